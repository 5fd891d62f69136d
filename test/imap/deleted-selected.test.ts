// A folder deleted by another session while this one has it selected: the session is told at
// its next command or at once in IDLE, with a BYE, and the connection ends (as Dovecot does), so
// a client never goes on showing a folder that is gone or storing into it. The session itself
// may not delete the folder it has selected, whatever name the folder has by then.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { RecordedEvent } from '../../src/store/event-store.ts';
import { message, PASSWORD, startHarness, type Harness } from './harness.ts';
import { Wire } from './wire.ts';

const BYE = '* BYE Selected mailbox was deleted, have to disconnect\r\n';

describe('a selected folder deleted elsewhere', () => {
  let h: Harness;
  let user = 0;
  before(async () => (h = await startHarness()));
  after(() => h.stop());

  /** Once the server's sessions have been told of a folder's deletion (they hear it first). */
  function deletionApplied(): Promise<void> {
    return new Promise((resolve) => {
      const applied = (batch: readonly RecordedEvent[]) => {
        if (!batch.some((r) => r.event.type === 'MailboxDeleted')) return;
        h.runtime.runner.off('applied', applied);
        resolve();
      };
      h.runtime.runner.on('applied', applied);
    });
  }

  /** A fresh user with a folder `Doomed` holding one message, and two sessions logged in. */
  async function setup(): Promise<{ address: string; a: Wire; b: Wire }> {
    const address = `doomed${++user}@example.test`;
    await h.addUser(address);
    const [a, b] = [await Wire.open(h.imap), await Wire.open(h.imap)];
    for (const w of [a, b]) await w.login(address, PASSWORD);
    assert.match((await b.command('c', 'CREATE Doomed')).at(-1)!, /^c OK/);
    b.send(`a APPEND Doomed {${Buffer.byteLength(message(1))}+}\r\n${message(1)}\r\n`);
    assert.match((await b.until('a')).at(-1)!, /^a OK/);
    return { address, a, b };
  }

  it('IDLE: the session gets a BYE within a second of the DELETE and the connection closes', async () => {
    const { a, b } = await setup();
    assert.match((await a.command('s', 'SELECT Doomed')).at(-1)!, /^s OK/);
    a.send('i IDLE\r\n');
    assert.equal(await a.readLine(), '+ idling\r\n');
    const deleted = Date.now();
    assert.match((await b.command('d', 'DELETE Doomed')).at(-1)!, /^d OK/);
    assert.equal(await a.readLine(1000), BYE);
    assert.ok(Date.now() - deleted < 1000);
    await assert.rejects(a.readLine(1000), /connection closed/);
    // The other session goes on.
    assert.match((await b.command('n', 'NOOP')).at(-1)!, /^n OK/);
    b.close();
  });

  it('a session that has it EXAMINEd is told at its next command; other folders and sessions are left alone', async () => {
    const { address, a, b } = await setup();
    const c = await Wire.open(h.imap);
    await c.login(address, PASSWORD);
    assert.match((await c.command('s', 'SELECT INBOX')).at(-1)!, /^s OK/);
    assert.match((await a.command('e', 'EXAMINE Doomed')).at(-1)!, /^e OK/);
    const seen = deletionApplied();
    assert.match((await b.command('d', 'DELETE Doomed')).at(-1)!, /^d OK/);
    await seen;
    a.send('f FETCH 1 (FLAGS)\r\n');
    assert.equal(await a.readLine(), BYE);
    await assert.rejects(a.readLine(1000), /connection closed/);
    assert.match((await c.command('n', 'NOOP')).at(-1)!, /^n OK/);
    c.close();
    b.close();
  });

  it("python imaplib: NOOP after another session's DELETE ends in the server's BYE", async () => {
    const { address } = await setup();
    const script = `
import imaplib, sys, time
port, user, password = int(sys.argv[1]), sys.argv[2], sys.argv[3]
a = imaplib.IMAP4('127.0.0.1', port); a.login(user, password); a.select('Doomed')
b = imaplib.IMAP4('127.0.0.1', port); b.login(user, password); print(b.delete('Doomed')[0])
# The deletion reaches a's session a moment after b's OK: a few NOOPs at most.
for attempt in range(5):
    try:
        a.noop()
        time.sleep(0.1)
    except imaplib.IMAP4.abort as error:
        print('abort:', error)
        break
else:
    print('no BYE')
b.logout()
`;
    const { stdout } = await promisify(execFile)('python3', ['-c', script, String(h.imap), address, PASSWORD], { timeout: 30_000 });
    assert.equal(stdout, 'OK\nabort: command: NOOP => Selected mailbox was deleted, have to disconnect\n');
  });

  it('its own session may not delete the selected folder, also under the name another session renamed it to', async () => {
    const { a, b } = await setup();
    assert.match((await a.command('s', 'SELECT Doomed')).at(-1)!, /^s OK/);
    assert.match((await b.command('r', 'RENAME Doomed Renamed')).at(-1)!, /^r OK/);
    assert.equal((await a.command('d', 'DELETE Renamed')).at(-1), 'd NO [CANNOT] Close the mailbox before deleting it\r\n');
    assert.match((await a.command('e', 'DELETE Doomed')).at(-1)!, /^e NO \[NONEXISTENT\]/);
    assert.match((await a.command('f', 'FETCH 1 (FLAGS)')).at(-1)!, /^f OK/);
    a.close();
    b.close();
  });
});
