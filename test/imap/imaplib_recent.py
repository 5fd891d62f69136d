"""python3 imaplib against postlog: who sees a message as \\Recent; prints a JSON report.

INBOX holds one delivered message nobody has selected yet. Session a selects it first, then b;
then c appends a message while a and b are both selected.

Usage: imaplib_recent.py PORT USER PASSWORD
"""
import imaplib
import json
import sys

port, user, password = int(sys.argv[1]), sys.argv[2], sys.argv[3]
report = {}


def text(data):
    return [d.decode() if isinstance(d, bytes) else text(d) if isinstance(d, tuple) else d for d in data]


def session():
    imap = imaplib.IMAP4('127.0.0.1', port)
    imap.login(user, password)
    return imap


def selected(name, imap):
    typ, exists = imap.select('INBOX')
    assert typ == 'OK', (typ, exists)
    report[name] = {'exists': text(exists), 'recent': text(imap.response('RECENT')[1])}


def search(name, imap, *criteria):
    report[name] = ' '.join(text(imap.search(None, *criteria)[1])).split()


def noop(name, imap):
    for stale in ('EXISTS', 'RECENT'):
        imap.response(stale)  # imaplib keeps SELECT's untagged responses until read
    imap.noop()
    report[name] = {'exists': text(imap.response('EXISTS')[1]), 'recent': text(imap.response('RECENT')[1])}


a = session()
selected('a_select', a)
search('a_recent', a, 'RECENT')
search('a_new', a, 'NEW')
report['a_flags'] = text(a.fetch('1', '(FLAGS)')[1])
report['a_store'] = text(a.store('1', 'FLAGS', '(\\Seen)')[1])
search('a_new_after_seen', a, 'NEW')

b = session()
selected('b_select', b)
search('b_recent', b, 'RECENT')
search('b_old', b, 'OLD')
report['b_flags'] = text(b.fetch('1', '(FLAGS)')[1])

c = session()
c.append('INBOX', None, None, b'From: c@example.net\r\nSubject: while selected\r\n\r\nhello\r\n')
report['c_status'] = text(c.status('INBOX', '(MESSAGES RECENT)')[1])
noop('a_noop', a)
noop('b_noop', b)
search('a_recent_after', a, 'RECENT')
search('b_recent_after', b, 'RECENT')
report['c_status_after'] = text(c.status('INBOX', '(MESSAGES RECENT)')[1])

for imap in (a, b, c):
    imap.logout()
print(json.dumps(report))
