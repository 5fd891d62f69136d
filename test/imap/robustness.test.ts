// Bad input and hostile timing: each gets BAD, NO or a clean close, and other sessions carry on.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { message, PASSWORD, startHarness, type Harness } from './harness.ts';
import { Wire } from './wire.ts';

const USER = 'robust@example.test';

describe('IMAP under bad input', () => {
  let h: Harness;
  let accountId: string;
  before(async () => {
    h = await startHarness();
    accountId = await h.addUser(USER);
    for (let i = 1; i <= 3; i++) await h.deliver(accountId, message(i));
  });
  after(() => h.stop());

  async function session(select = 'INBOX'): Promise<Wire> {
    const wire = await Wire.open(h.imap);
    await wire.login(USER, PASSWORD);
    if (select) await wire.command('s', `SELECT ${select}`);
    return wire;
  }

  it('holds EXPUNGE back during FETCH, STORE and SEARCH, and tells it at the next NOOP', async () => {
    const a = await session();
    const b = await session();
    await b.command('x', 'STORE 1 +FLAGS.SILENT (\\Deleted)');
    await b.command('y', 'EXPUNGE');
    // A still numbers the expunged message 1; asking for it is answered with what is left.
    assert.deepEqual(await a.command('f', 'FETCH 2:3 (UID)'), ['* 2 FETCH (UID 2)\r\n', '* 3 FETCH (UID 3)\r\n', 'f OK FETCH completed\r\n']);
    assert.deepEqual(await a.command('g', 'SEARCH ALL'), ['* SEARCH 2 3\r\n', 'g OK SEARCH completed\r\n']);
    assert.deepEqual(await a.command('n', 'NOOP'), ['* 1 EXPUNGE\r\n', 'n OK NOOP completed\r\n']);
    assert.deepEqual(await a.command('f2', 'FETCH 1:* (UID)'), ['* 1 FETCH (UID 2)\r\n', '* 2 FETCH (UID 3)\r\n', 'f2 OK FETCH completed\r\n']);
    a.close();
    b.close();
    await h.deliver(accountId, message(4));
  });

  it('drops a client that disconnects mid-literal without storing anything, others unaffected', async () => {
    const other = await session();
    const before = h.runtime.mailboxes.status(h.runtime.accounts.mailboxByName(accountId, 'INBOX')!.mailboxId)!.messages;
    const w = await session('');
    w.send('a APPEND INBOX {100000}\r\n');
    assert.equal(await w.readLine(), '+ Ready for literal data\r\n');
    w.send(Buffer.alloc(50_000, 'x'));
    await new Promise((r) => setTimeout(r, 100));
    w.close();
    await new Promise((r) => setTimeout(r, 100));
    assert.deepEqual(await other.command('n', 'NOOP'), ['n OK NOOP completed\r\n']);
    assert.equal(h.runtime.mailboxes.status(h.runtime.accounts.mailboxByName(accountId, 'INBOX')!.mailboxId)!.messages, before);
    other.close();
  });

  it('closes the connection on a non-synchronizing literal over the limit', async () => {
    const w = await session('');
    w.send('a APPEND INBOX {999999999+}\r\nxxxx');
    assert.deepEqual(await w.until('a'), ['a NO [TOOBIG] Message too large\r\n']);
    assert.equal(await w.readLine(), '* BYE Literal refused\r\n');
  });

  it('survives random garbage on one connection while another works', async () => {
    const good = await session();
    const lines = fc.sample(fc.string({ unit: 'binary', maxLength: 80 }), { numRuns: 200, seed: 42 });
    const bad = await Wire.open(h.imap);
    for (const line of lines) bad.send(Buffer.from(line.replace(/\{\d+\+?\}/g, '') + '\r\n', 'latin1'));
    bad.send('zz NOOP\r\n');
    // The garbage connection answers or is closed for too many bad commands; either way cleanly.
    const replies: string[] = [];
    try {
      for (;;) {
        const line = await bad.readLine(3000);
        replies.push(line);
        if (line.startsWith('zz ') || line.startsWith('* BYE')) break;
      }
    } catch {
      assert.ok(bad.closed, 'neither an answer nor a close');
    }
    assert.ok(replies.every((r) => /^(\S+ (OK|NO|BAD)|\* (BYE|BAD|OK|CAPABILITY|ID|NAMESPACE|ENABLED|SEARCH|LIST|LSUB|STATUS|\d+ (EXISTS|RECENT|EXPUNGE|FETCH))|\+ )/.test(r)), replies.join(''));
    assert.deepEqual((await good.command('f', 'FETCH 1 (UID)'))[1], 'f OK FETCH completed\r\n');
    good.close();
    bad.close();
  });
});
