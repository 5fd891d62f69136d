// Real SMTP clients for the tests: nodemailer, and python3's smtplib run as a child process.
import { execFile } from 'node:child_process';
import nodemailer from 'nodemailer';

export type Send = Readonly<{
  port: number;
  /** plain (STARTTLS if offered, for nodemailer), starttls (required), or implicit TLS */
  security: 'plain' | 'starttls' | 'tls';
  auth?: { user: string; pass: string };
  from: string;
  to: readonly string[];
  raw: string;
}>;

/** What a client reports: accepted, or the reply code and text of the refusal. */
export type Result = { ok: true; response: string } | { ok: false; code: number; text: string; refused?: Record<string, [number, string]> };

export async function sendWithNodemailer(s: Send): Promise<Result> {
  const transport = nodemailer.createTransport({
    host: '127.0.0.1',
    port: s.port,
    secure: s.security === 'tls',
    requireTLS: s.security === 'starttls',
    ignoreTLS: false,
    tls: { rejectUnauthorized: false },
    name: 'nodemailer.client.example',
    ...(s.auth && { auth: s.auth }),
  });
  try {
    const info = await transport.sendMail({ envelope: { from: s.from, to: [...s.to] }, raw: s.raw });
    return { ok: true, response: info.response };
  } catch (error) {
    const e = error as { responseCode?: number; response?: string; message: string };
    return { ok: false, code: e.responseCode ?? 0, text: e.response ?? e.message };
  } finally {
    transport.close();
  }
}

const PYTHON = String.raw`
import json, smtplib, ssl, sys
a = json.loads(sys.argv[1])
ctx = ssl.create_default_context()
ctx.check_hostname = False
ctx.verify_mode = ssl.CERT_NONE
out = {}
try:
    if a["security"] == "tls":
        s = smtplib.SMTP_SSL("127.0.0.1", a["port"], context=ctx, local_hostname="smtplib.client.example", timeout=30)
    else:
        s = smtplib.SMTP("127.0.0.1", a["port"], local_hostname="smtplib.client.example", timeout=30)
    s.ehlo()
    if a["security"] == "starttls":
        s.starttls(context=ctx)
        s.ehlo()
    if a.get("auth"):
        s.login(a["auth"]["user"], a["auth"]["pass"])
    opts = ["SMTPUTF8"] if any(ord(c) > 127 for c in a["from"] + "".join(a["to"])) else []
    refused = s.sendmail(a["from"], a["to"], a["raw"].encode("utf-8"), mail_options=opts)
    out = {"ok": True, "response": "", "refused": {k: [v[0], v[1].decode()] for k, v in refused.items()}}
    s.quit()
except smtplib.SMTPRecipientsRefused as e:
    first = list(e.recipients.values())[0]
    out = {"ok": False, "code": first[0], "text": first[1].decode(), "refused": {k: [v[0], v[1].decode()] for k, v in e.recipients.items()}}
except (smtplib.SMTPResponseException) as e:
    out = {"ok": False, "code": e.smtp_code, "text": e.smtp_error.decode() if isinstance(e.smtp_error, bytes) else str(e.smtp_error)}
except Exception as e:
    out = {"ok": False, "code": 0, "text": type(e).__name__ + ": " + str(e)}
print(json.dumps(out))
`;

export function sendWithSmtplib(s: Send): Promise<Result> {
  return new Promise((resolve, reject) => {
    execFile('python3', ['-c', PYTHON, JSON.stringify(s)], { timeout: 60_000 }, (error, stdout, stderr) => {
      if (error) return reject(new Error(`python3 failed: ${stderr || error.message}`));
      const out = JSON.parse(stdout) as Result & { refused?: Record<string, [number, string]> };
      // smtplib accepts a message when some recipients were refused; count that as accepted
      resolve(out);
    });
  });
}

export const CLIENTS = { nodemailer: sendWithNodemailer, smtplib: sendWithSmtplib } as const;
