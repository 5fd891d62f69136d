"""Drives python3's poplib from a JSON program on stdin and prints what each step returned.

Program: {"pop3": port, "pop3s": port, "steps": [[connection, operation, *args], ...]}.
Each result is {"ok": value} or {"error": "-ERR ..."}; bytes are decoded as latin-1.
Certificate checks are off: the test server's certificate is self-signed.
"""
import base64
import json
import poplib
import ssl
import sys


def text(value):
    if isinstance(value, (bytes, bytearray)):
        return value.decode("latin-1")
    if isinstance(value, (list, tuple)):
        return [text(v) for v in value]
    if isinstance(value, dict):
        return {text(k): text(v) for k, v in value.items()}
    return value


def b64(value):
    return base64.b64encode(value.encode("utf-8")).decode("ascii")


def main():
    program = json.load(sys.stdin)
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    connections = {}
    results = []
    for name, operation, *args in program["steps"]:
        c = connections.get(name)
        try:
            if operation == "connect":
                if args[0] == "ssl":
                    c = poplib.POP3_SSL("127.0.0.1", program["pop3s"], context=context, timeout=10)
                else:
                    c = poplib.POP3("127.0.0.1", program["pop3"], timeout=10)
                connections[name] = c
                result = c.getwelcome()
            elif operation == "stls":
                result = c.stls(context)
            elif operation == "capa":
                result = c.capa()
            elif operation == "user":
                result = c.user(args[0])
            elif operation == "pass":
                result = c.pass_(args[0])
            elif operation == "auth-plain":
                result = c._shortcmd("AUTH PLAIN " + b64("\0%s\0%s" % (args[0], args[1])))
            elif operation == "auth-login":
                steps = [c._shortcmd("AUTH LOGIN"), c._shortcmd(b64(args[0]))]
                result = steps + [c._shortcmd(b64(args[1]))]
            elif operation in ("stat", "list", "uidl", "retr", "top", "dele", "rset", "noop", "quit"):
                result = getattr(c, operation)(*args)
            elif operation == "raw":
                result = c._shortcmd(args[0])
            elif operation == "drop":
                c.sock.close()
                result = "dropped"
            else:
                raise ValueError("unknown operation " + operation)
            results.append({"ok": text(result)})
        except poplib.error_proto as e:
            results.append({"error": text(e.args[0])})
    print(json.dumps(results))


main()
