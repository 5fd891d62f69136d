"""python3 imaplib against postlog: one session through most commands; prints a JSON report.

Usage: imaplib_session.py PORT USER PASSWORD
"""
import imaplib
import json
import ssl
import sys
import time

port, user, password = int(sys.argv[1]), sys.argv[2], sys.argv[3]
report = {}


def ok(name, result):
    typ, data = result
    report[name] = [typ, [d.decode('utf-8', 'replace') if isinstance(d, bytes) else
                          [x.decode('utf-8', 'replace') if isinstance(x, bytes) else x for x in d] if isinstance(d, tuple) else d
                          for d in data]]
    return data


imap = imaplib.IMAP4('127.0.0.1', port)
ctx = ssl.create_default_context()
ctx.check_hostname = False
ctx.verify_mode = ssl.CERT_NONE
ok('starttls', imap.starttls(ssl_context=ctx))
ok('capability', imap.capability())
ok('login', imap.login(user, password))
ok('namespace', imap.namespace())
ok('create', imap.create('"Reports 2026"'))
ok('subscribe', imap.subscribe('"Reports 2026"'))
ok('list', imap.list('""', '"Reports*"'))
ok('lsub', imap.lsub('""', '"Reports*"'))
raw = b'From: Py <py@example.net>\r\nTo: u@example.test\r\nSubject: from imaplib\r\nDate: Mon, 1 Jan 2024 00:00:00 +0000\r\n\r\nhello from python\r\n'
ok('append', imap.append('"Reports 2026"', '(\\Flagged)', imaplib.Time2Internaldate(time.mktime((2024, 1, 2, 3, 4, 5, 0, 0, 0)) - time.timezone), raw))
ok('status', imap.status('"Reports 2026"', '(MESSAGES UNSEEN UIDNEXT)'))
ok('select', imap.select('"Reports 2026"'))
ok('fetch', imap.fetch('1', '(FLAGS BODY.PEEK[] RFC822.SIZE ENVELOPE)'))
ok('store', imap.store('1', '+FLAGS', '(\\Seen)'))
ok('search', imap.search(None, 'SEEN', 'FLAGGED', 'SUBJECT', '"imaplib"'))
ok('uid_search', imap.uid('SEARCH', 'ALL'))
ok('uid_fetch', imap.uid('FETCH', '1', '(UID BODY.PEEK[TEXT])'))
ok('copy', imap.copy('1', 'INBOX'))
ok('check', imap.check())
ok('store_deleted', imap.store('1', '+FLAGS.SILENT', '(\\Deleted)'))
ok('expunge', imap.expunge())
ok('close', imap.close())
ok('rename', imap.rename('"Reports 2026"', '"Old reports"'))
ok('delete', imap.delete('"Old reports"'))
ok('examine', imap.select('INBOX', readonly=True))
ok('noop', imap.noop())
ok('logout', imap.logout())
print(json.dumps(report))
