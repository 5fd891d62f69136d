// python3's imaplib against postlog: STARTTLS, then most commands in one session.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { PASSWORD, startHarness, type Harness } from './harness.ts';

const script = fileURLToPath(new URL('./imaplib_session.py', import.meta.url));
type Report = Record<string, [string, unknown[]]>;

describe('python imaplib against postlog', () => {
  let h: Harness;
  before(async () => {
    // Not a trusted network: a password may only be sent after STARTTLS.
    h = await startHarness({ POSTLOG_TRUSTED_NETWORKS: '10.0.0.0/8' });
    await h.addUser('py@example.test');
  });
  after(() => h.stop());

  it('runs a whole session after STARTTLS', async () => {
    const { stdout } = await promisify(execFile)('python3', [script, String(h.imap), 'py@example.test', PASSWORD], { timeout: 30_000 });
    const r = JSON.parse(stdout) as Report;
    for (const [name, [typ]] of Object.entries(r)) assert.ok(typ === 'OK' || (name === 'logout' && typ === 'BYE'), `${name}: ${JSON.stringify(r[name])}`);
    assert.match(String(r.capability![1][0]), /IMAP4rev1/);
    assert.doesNotMatch(String(r.capability![1][0]), /LOGINDISABLED|STARTTLS/);
    assert.deepEqual(r.list![1], ['(\\HasNoChildren) "/" "Reports 2026"']);
    assert.deepEqual(r.lsub![1], ['() "/" "Reports 2026"']);
    assert.match(String(r.append![1][0]), /^\[APPENDUID \d+ 1\]/);
    assert.match(String(r.status![1][0]), /^"Reports 2026" \(MESSAGES 1 UNSEEN 1 UIDNEXT 2\)$/);
    const fetched = r.fetch![1][0] as string[];
    // The first SELECT after the APPEND sees the message as recent.
    assert.match(fetched[0]!, /^1 \(FLAGS \(\\Flagged \\Recent\) BODY\[\] \{\d+\}$/);
    assert.match(fetched[1]!, /hello from python/);
    assert.deepEqual(r.search![1], ['1']);
    assert.deepEqual(r.uid_search![1], ['1']);
    assert.match(String(r.copy![1][0]), /^\[COPYUID \d+ 1 \d+\]/);
    assert.deepEqual(r.expunge![1], ['1']);
  });

  it('refuses LOGIN in clear outside trusted networks, and announces LOGINDISABLED', async () => {
    const py = `
import imaplib, sys
imap = imaplib.IMAP4('127.0.0.1', int(sys.argv[1]))
print(' '.join(imap.capabilities))
try:
    imap.login('py@example.test', sys.argv[2])
    print('logged in')
except imaplib.IMAP4.error as e:
    print('refused', e)
`;
    const { stdout } = await promisify(execFile)('python3', ['-c', py, String(h.imap), PASSWORD], { timeout: 30_000 });
    const [caps, outcome] = stdout.trim().split('\n');
    assert.match(caps!, /LOGINDISABLED/);
    assert.match(caps!, /STARTTLS/);
    assert.match(outcome!, /^refused/);
  });
});
