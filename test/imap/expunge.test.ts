// EXPUNGE removes every \Deleted message the session knows of, also one another session marked
// a moment ago (the session learns flags from the change feed, and EXPUNGE reads only the
// messages it saw marked), and nothing else; CLOSE does the same silently.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { message, PASSWORD, startHarness, type Harness } from './harness.ts';
import { Wire } from './wire.ts';

describe('EXPUNGE and \\Deleted set by another session', () => {
  let h: Harness;
  let user = 0;
  before(async () => (h = await startHarness()));
  after(() => h.stop());

  async function twoSessions(messages: number): Promise<{ accountId: string; a: Wire; b: Wire }> {
    const address = `expunger${++user}@example.test`;
    const accountId = await h.addUser(address);
    for (let i = 1; i <= messages; i++) await h.deliver(accountId, message(i));
    const [a, b] = [await Wire.open(h.imap), await Wire.open(h.imap)];
    for (const w of [a, b]) {
      await w.login(address, PASSWORD);
      assert.match((await w.command('s', 'SELECT INBOX')).at(-1)!, /^s OK/);
    }
    return { accountId, a, b };
  }

  it("expunges what the other session marked, told in the same reply, and leaves unmarked mail", async () => {
    const { a, b } = await twoSessions(4);
    assert.match((await b.command('m', 'UID STORE 2,4 +FLAGS.SILENT (\\Deleted)')).at(-1)!, /^m OK/);
    const reply = await a.command('x', 'EXPUNGE');
    assert.deepEqual(reply.filter((l) => l.includes('EXPUNGE')), ['* 4 EXPUNGE\r\n', '* 2 EXPUNGE\r\n', 'x OK EXPUNGE completed\r\n']);
    assert.deepEqual(await a.command('f', 'UID SEARCH ALL'), ['* SEARCH 1 3\r\n', 'f OK UID SEARCH completed\r\n']);
    // A flag taken off again by the other session is no longer expunged.
    assert.match((await b.command('n', 'NOOP')).at(-1)!, /^n OK/);
    assert.match((await b.command('d', 'UID STORE 3 +FLAGS.SILENT (\\Deleted)')).at(-1)!, /^d OK/);
    assert.match((await a.command('p', 'NOOP')).at(-1)!, /^p OK/);
    assert.match((await b.command('u', 'UID STORE 3 -FLAGS.SILENT (\\Deleted)')).at(-1)!, /^u OK/);
    assert.deepEqual((await a.command('y', 'EXPUNGE')).filter((l) => / EXPUNGE\r\n$/.test(l)), []);
    a.close();
    b.close();
  });

  it('CLOSE removes the marked messages silently', async () => {
    const { a, b } = await twoSessions(3);
    assert.match((await b.command('m', 'UID STORE 1 +FLAGS.SILENT (\\Deleted)')).at(-1)!, /^m OK/);
    assert.deepEqual(await a.command('c', 'CLOSE'), ['c OK CLOSE completed\r\n']);
    assert.deepEqual((await b.command('n', 'NOOP')).filter((l) => l.includes('EXPUNGE')), ['* 1 EXPUNGE\r\n']);
    a.close();
    b.close();
  });
});
