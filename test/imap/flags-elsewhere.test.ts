// Flags another session set a moment ago count at once: EXPUNGE removes every \Deleted message
// the session knows of (it learns flags from the change feed, and reads only the messages it saw
// marked) and nothing else, CLOSE does the same silently, and SEARCH and FETCH by flags answer
// from the same knowledge without reading every message.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { message, PASSWORD, startHarness, type Harness } from './harness.ts';
import { Wire } from './wire.ts';

describe('flags set by another session', () => {
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

  it('SEARCH by flags sees them at once, alone and beside keys that need the message', async () => {
    const { a, b } = await twoSessions(4);
    assert.match((await b.command('m', 'UID STORE 3 +FLAGS.SILENT (\\Flagged)')).at(-1)!, /^m OK/);
    assert.match((await b.command('n', 'UID STORE 1,2 +FLAGS.SILENT (\\Seen)')).at(-1)!, /^n OK/);
    assert.match((await b.command('o', 'UID STORE 4 +FLAGS.SILENT (\\Deleted)')).at(-1)!, /^o OK/);
    assert.match((await b.command('x', 'EXPUNGE')).at(-1)!, /^x OK/);
    const search = async (tag: string, criteria: string) => (await a.command(tag, `UID SEARCH ${criteria}`)).find((l) => l.startsWith('* SEARCH'));
    assert.equal(await search('f', 'FLAGGED'), '* SEARCH 3\r\n');
    assert.equal(await search('u', 'UNSEEN'), '* SEARCH 3\r\n');
    assert.equal(await search('s', 'OR FLAGGED SEEN SUBJECT "message 2"'), '* SEARCH 2\r\n');
    assert.equal(await search('k', 'NOT SEEN LARGER 1'), '* SEARCH 3\r\n');
    a.close();
    b.close();
  });

  it('FETCH FLAGS shows them at once, once, and a body fetch adds \\Seen to what it shows', async () => {
    // b reads: a selected first and holds \\Recent.
    const { a, b } = await twoSessions(3);
    assert.match((await a.command('m', 'UID STORE 2 +FLAGS.SILENT (\\Flagged)')).at(-1)!, /^m OK/);
    assert.deepEqual(await b.command('f', 'UID FETCH 1:* (FLAGS)'), [
      '* 1 FETCH (UID 1 FLAGS ())\r\n',
      '* 2 FETCH (UID 2 FLAGS (\\Flagged))\r\n',
      '* 3 FETCH (UID 3 FLAGS ())\r\n',
      'f OK UID FETCH completed\r\n',
    ]);
    // Told once: the next command has nothing more to say about it.
    assert.deepEqual(await b.command('n', 'NOOP'), ['n OK NOOP completed\r\n']);
    const body = await b.command('g', 'UID FETCH 2 (BODY[HEADER.FIELDS (SUBJECT)])');
    assert.equal(body[0], '* 2 FETCH (UID 2 FLAGS (\\Flagged \\Seen) BODY[HEADER.FIELDS (SUBJECT)] {22}\r\nSubject: message 2\r\n\r\n)\r\n');
    assert.deepEqual((await a.command('o', 'UID FETCH 2 (FLAGS)'))[0], '* 2 FETCH (UID 2 FLAGS (\\Flagged \\Seen \\Recent))\r\n');
    a.close();
    b.close();
  });
});
