// Each command on the wire, exact replies where clients parse them.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { forwardedMessage } from '../../src/domain/message/fixtures.ts';
import { message, PASSWORD, startHarness, type Harness } from './harness.ts';
import { Wire } from './wire.ts';

const USER = 'wire@example.test';

describe('IMAP commands on the wire', () => {
  let h: Harness;
  let accountId: string;
  before(async () => {
    h = await startHarness();
    accountId = await h.addUser(USER);
    await h.deliver(accountId, message(1));
    await h.deliver(accountId, forwardedMessage);
  });
  after(() => h.stop());

  async function session(): Promise<Wire> {
    const wire = await Wire.open(h.imap);
    await wire.login(USER, PASSWORD);
    return wire;
  }

  it('greets, lists capabilities and refuses what needs a login', async () => {
    const wire = await Wire.open(h.imap);
    const caps = await wire.command('a', 'CAPABILITY');
    assert.match(caps[0]!, /^\* CAPABILITY IMAP4rev1 .*STARTTLS.* AUTH=PLAIN AUTH=LOGIN\r\n$/);
    assert.deepEqual(await wire.command('b', 'SELECT INBOX'), ['b BAD Command not valid in this state\r\n']);
    assert.deepEqual(await wire.command('c', 'LOGIN wire@example.test wrong'), ['c NO [AUTHENTICATIONFAILED] Authentication failed\r\n']);
    assert.deepEqual(await wire.command('d', 'NOOP'), ['d OK NOOP completed\r\n']);
    assert.deepEqual(await wire.command('e', 'LOGOUT'), ['* BYE Logging out\r\n', 'e OK LOGOUT completed\r\n']);
    wire.close();
  });

  it('authenticates with PLAIN (initial response and continuation) and LOGIN', async () => {
    const plain = Buffer.from(`\0${USER}\0${PASSWORD}`).toString('base64');
    const w1 = await Wire.open(h.imap);
    assert.deepEqual(await w1.command('a', `AUTHENTICATE PLAIN ${plain}`), ['a OK Logged in\r\n']);
    w1.close();
    const w2 = await Wire.open(h.imap);
    w2.send('a AUTHENTICATE PLAIN\r\n');
    assert.equal(await w2.readLine(), '+ \r\n');
    w2.send(`${plain}\r\n`);
    assert.deepEqual(await w2.until('a'), ['a OK Logged in\r\n']);
    w2.close();
    const w3 = await Wire.open(h.imap);
    w3.send(`a AUTHENTICATE LOGIN ${Buffer.from(USER).toString('base64')}\r\n`);
    assert.equal(await w3.readLine(), '+ UGFzc3dvcmQ6\r\n');
    w3.send(`${Buffer.from(PASSWORD).toString('base64')}\r\n`);
    assert.deepEqual(await w3.until('a'), ['a OK Logged in\r\n']);
    w3.close();
    const w4 = await Wire.open(h.imap);
    w4.send('a AUTHENTICATE PLAIN\r\n');
    await w4.readLine();
    w4.send('*\r\n');
    assert.deepEqual(await w4.until('a'), ['a BAD Authentication cancelled\r\n']);
    w4.close();
  });

  it('selects INBOX with the counters clients expect', async () => {
    const wire = await session();
    const reply = await wire.command('s', 'SELECT inbox');
    const validity = h.runtime.mailboxes.status(h.runtime.accounts.mailboxByName(accountId, 'INBOX')!.mailboxId)!.uidValidity;
    assert.deepEqual(reply, [
      '* FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft)\r\n',
      '* OK [PERMANENTFLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft \\*)] Flags permitted\r\n',
      '* 2 EXISTS\r\n',
      '* 2 RECENT\r\n',
      '* OK [UNSEEN 1] First unseen\r\n',
      `* OK [UIDVALIDITY ${validity}] UIDs valid\r\n`,
      '* OK [UIDNEXT 3] Predicted next UID\r\n',
      's OK [READ-WRITE] SELECT completed\r\n',
    ]);
    wire.close();
  });

  it('fetches sections from byte ranges: HEADER.FIELDS, MIME, numbered parts inside message/rfc822, partials', async () => {
    const wire = await session();
    await wire.command('s', 'EXAMINE INBOX');
    // The same bytes as Dovecot 2.3 sends for this message (but "" for a missing part, where it sends {0}).
    const r = await wire.command('f', 'FETCH 2 (BODY.PEEK[HEADER.FIELDS (subject TO)] BODY[2.MIME] BODY[2.HEADER.FIELDS (Subject)] BODY[2.1.1]<0.5> BODY[2.1]<0.5> BODY[9])');
    assert.deepEqual(r, [
      '* 2 FETCH (BODY[HEADER.FIELDS (SUBJECT TO)] {52}\r\nTo: Bob <bob@example.net>\r\nSubject: Fwd: minutes\r\n\r\n' +
        ' BODY[2.MIME] {61}\r\nContent-Type: message/rfc822\r\nContent-Disposition: inline\r\n\r\n' +
        ' BODY[2.HEADER.FIELDS (SUBJECT)] {54}\r\nSubject: =?ISO-8859-1?Q?Minutes_of_the_r=E9union?=\r\n\r\n' +
        ' BODY[2.1.1]<0> {5}\r\nR=E9u BODY[2.1]<0> {5}\r\nR=E9u BODY[9] "")\r\n',
      'f OK FETCH completed\r\n',
    ]);
    wire.close();
  });

  it('sets \\Seen on a body fetch and reports the new flags in the same response', async () => {
    const wire = await session();
    await wire.command('s', 'SELECT INBOX');
    const r = await wire.command('f', 'FETCH 1 (BODY[TEXT]<0.7> FLAGS)');
    assert.deepEqual(r, ['* 1 FETCH (BODY[TEXT]<0> {7}\r\n--b1\r\nC FLAGS (\\Seen))\r\n', 'f OK FETCH completed\r\n']);
    assert.deepEqual(await wire.command('g', 'UID STORE 1 -FLAGS.SILENT (\\Seen)'), ['g OK UID STORE completed\r\n']);
    const [data, done] = await wire.command('h', 'FETCH 1 (RFC822.SIZE INTERNALDATE UID)');
    assert.match(data!, new RegExp(`^\\* 1 FETCH \\(UID 1 RFC822.SIZE ${message(1).length} INTERNALDATE "[ \\d]\\d-\\w{3}-\\d{4} \\d\\d:\\d\\d:\\d\\d \\+0000"\\)\r\n$`));
    assert.equal(done, 'h OK FETCH completed\r\n');
    wire.close();
  });

  it('stores flags and keywords, searches them, refuses a bad charset', async () => {
    const wire = await session();
    await wire.command('s', 'SELECT INBOX');
    assert.deepEqual(await wire.command('a', 'STORE 1:2 +FLAGS ($Work \\Flagged)'), [
      '* 1 FETCH (FLAGS ($Work \\Flagged))\r\n',
      '* 2 FETCH (FLAGS ($Work \\Flagged))\r\n',
      'a OK STORE completed\r\n',
    ]);
    assert.deepEqual(await wire.command('b', 'SEARCH KEYWORD $work NOT SUBJECT minutes'), ['* SEARCH 1\r\n', 'b OK SEARCH completed\r\n']);
    assert.deepEqual(await wire.command('c', 'UID SEARCH OR BODY "forwarded message" HEADER Message-ID minutes-1 SINCE 1-Jan-2020'), [
      '* SEARCH 2\r\n',
      'c OK UID SEARCH completed\r\n',
    ]);
    // Keys that read the message, before and after keys the view answers.
    assert.deepEqual(await wire.command('c2', 'SEARCH BODY "forwarded message" KEYWORD $nothing'), ['* SEARCH\r\n', 'c2 OK SEARCH completed\r\n']);
    assert.deepEqual(await wire.command('c3', 'SEARCH KEYWORD $work NOT BODY "no such words"'), ['* SEARCH 1 2\r\n', 'c3 OK SEARCH completed\r\n']);
    assert.deepEqual(await wire.command('d', 'SEARCH CHARSET KOI8-R TEXT x'), ['d NO [BADCHARSET (UTF-8 US-ASCII)] Unsupported charset\r\n']);
    assert.deepEqual(await wire.command('e', 'STORE 1:2 FLAGS ()'), [
      '* 1 FETCH (FLAGS ())\r\n',
      '* 2 FETCH (FLAGS ())\r\n',
      'e OK STORE completed\r\n',
    ]);
    wire.close();
  });

  it('keeps a deleted parent as \\Noselect, renames INBOX by moving its messages, lists patterns', async () => {
    const wire = await session();
    assert.deepEqual(await wire.command('a', 'CREATE "Parent/Child"'), ['a OK CREATE completed\r\n']);
    assert.deepEqual(await wire.command('b', 'DELETE Parent'), ['b OK DELETE completed\r\n']);
    assert.deepEqual(await wire.command('c', 'LIST "" "Parent*"'), [
      '* LIST (\\Noselect \\HasChildren) "/" Parent\r\n',
      '* LIST (\\HasNoChildren) "/" Parent/Child\r\n',
      'c OK LIST completed\r\n',
    ]);
    assert.deepEqual(await wire.command('d', 'LIST "" %'), [
      '* LIST (\\HasNoChildren \\Archive) "/" Archive\r\n',
      '* LIST (\\HasNoChildren \\Drafts) "/" Drafts\r\n',
      '* LIST (\\HasNoChildren) "/" INBOX\r\n',
      '* LIST (\\HasNoChildren \\Junk) "/" Junk\r\n',
      '* LIST (\\Noselect \\HasChildren) "/" Parent\r\n',
      '* LIST (\\HasNoChildren \\Sent) "/" Sent\r\n',
      '* LIST (\\HasNoChildren \\Trash) "/" Trash\r\n',
      'd OK LIST completed\r\n',
    ]);
    assert.deepEqual(await wire.command('e', 'LIST "" ""'), ['* LIST (\\Noselect) "/" ""\r\n', 'e OK LIST completed\r\n']);
    assert.deepEqual(await wire.command('f', 'SELECT Parent'), ['f NO [NONEXISTENT] No such mailbox\r\n']);
    const owner = await h.addUser('renamer@example.test');
    await h.deliver(owner, message(7));
    const other = await Wire.open(h.imap);
    await other.login('renamer@example.test', PASSWORD);
    assert.deepEqual(await other.command('r', 'RENAME inbox "Old Inbox"'), ['r OK RENAME completed\r\n']);
    assert.deepEqual(await other.command('s', 'STATUS INBOX (MESSAGES)'), ['* STATUS INBOX (MESSAGES 0)\r\n', 's OK STATUS completed\r\n']);
    assert.deepEqual(await other.command('t', 'STATUS "Old Inbox" (MESSAGES UIDNEXT)'), ['* STATUS "Old Inbox" (MESSAGES 1 UIDNEXT 2)\r\n', 't OK STATUS completed\r\n']);
    other.close();
    wire.close();
  });

  it('unselects, enables nothing it does not have, and expunges by UID', async () => {
    const owner = await h.addUser('uidx@example.test');
    for (let i = 1; i <= 3; i++) await h.deliver(owner, message(i));
    const wire = await Wire.open(h.imap);
    await wire.login('uidx@example.test', PASSWORD);
    assert.deepEqual(await wire.command('a', 'ENABLE CONDSTORE'), ['* ENABLED\r\n', 'a OK ENABLE completed\r\n']);
    await wire.command('s', 'SELECT INBOX');
    await wire.command('b', 'STORE 1:3 +FLAGS.SILENT (\\Deleted)');
    assert.deepEqual(await wire.command('c', 'UID EXPUNGE 2:3'), ['* 3 EXPUNGE\r\n', '* 2 EXPUNGE\r\n', 'c OK UID EXPUNGE completed\r\n']);
    assert.deepEqual(await wire.command('d', 'UNSELECT'), ['d OK UNSELECT completed\r\n']);
    assert.deepEqual(await wire.command('e', 'STATUS INBOX (MESSAGES)'), ['* STATUS INBOX (MESSAGES 1)\r\n', 'e OK STATUS completed\r\n']);
    await wire.command('s2', 'SELECT INBOX');
    assert.deepEqual(await wire.command('f', 'CLOSE'), ['f OK CLOSE completed\r\n']);
    assert.deepEqual(await wire.command('g', 'STATUS INBOX (MESSAGES)'), ['* STATUS INBOX (MESSAGES 0)\r\n', 'g OK STATUS completed\r\n']);
    wire.close();
  });

  it('copies and moves by UID with COPYUID, unsubscribes, and refuses writes after EXAMINE', async () => {
    const owner = await h.addUser('mover@example.test');
    for (let i = 1; i <= 3; i++) await h.deliver(owner, message(i));
    const wire = await Wire.open(h.imap);
    await wire.login('mover@example.test', PASSWORD);
    const trash = h.runtime.accounts.mailboxByName(owner, 'Trash')!.uidValidity;
    await wire.command('s', 'SELECT INBOX');
    assert.deepEqual(await wire.command('a', 'UID COPY 1:2 Trash'), [`a OK [COPYUID ${trash} 1:2 1:2] UID COPY completed\r\n`]);
    assert.deepEqual(await wire.command('b', 'UID MOVE 3 Trash'), [`* OK [COPYUID ${trash} 3 3] Moved\r\n`, '* 3 EXPUNGE\r\n', 'b OK UID MOVE completed\r\n']);
    assert.deepEqual(await wire.command('c', 'UNSUBSCRIBE Trash'), ['c OK UNSUBSCRIBE completed\r\n']);
    assert.ok(!(await wire.command('d', 'LSUB "" *')).some((l) => l.includes('Trash')));
    await wire.command('e', 'EXAMINE INBOX');
    assert.deepEqual(await wire.command('f', 'STORE 1 +FLAGS (\\Seen)'), ['f NO [READ-ONLY] Mailbox is read-only (EXAMINE)\r\n']);
    assert.deepEqual(await wire.command('g', 'EXPUNGE'), ['g NO [READ-ONLY] Mailbox is read-only (EXAMINE)\r\n']);
    wire.close();
  });

  it('answers bad input with BAD or NO and keeps the session usable', async () => {
    const wire = await session();
    await wire.command('s', 'SELECT INBOX');
    assert.deepEqual(await wire.command('a', 'FETCH 1:9 FLAGS'), ['a BAD Invalid message sequence number\r\n']);
    assert.deepEqual(await wire.command('b', 'FETCH 1 (FLAGS'), ['b BAD Unbalanced "("\r\n']);
    assert.deepEqual(await wire.command('c', 'BLURB'), ['c BAD Unknown command\r\n']);
    wire.send('\x01\x02 garbage\r\n');
    assert.equal(await wire.readLine(), '* BAD Invalid character\r\n');
    assert.deepEqual(await wire.command('d', 'SELECT Nowhere'), ['d NO [NONEXISTENT] No such mailbox\r\n']);
    // a failed SELECT deselects
    assert.deepEqual(await wire.command('e', 'FETCH 1 FLAGS'), ['e BAD Command not valid in this state\r\n']);
    wire.send('f APPEND INBOX {999999999}\r\n');
    assert.deepEqual(await wire.until('f'), ['f NO [TOOBIG] Message too large\r\n']);
    wire.send('g LOGIN {999999999}\r\n');
    assert.deepEqual(await wire.until('g'), ['g BAD Command not valid in this state\r\n']);
    assert.deepEqual(await wire.command('h', 'APPEND Nowhere {5+}\r\nhello'), ['h NO [TRYCREATE] No such mailbox; create it first\r\n']);
    assert.deepEqual(await wire.command('i', 'NOOP'), ['i OK NOOP completed\r\n']);
    // A mailbox name sent as a literal is read into memory; the message literal after it is streamed.
    const [appended] = await wire.command('j', 'APPEND {5+}\r\nTrash {14+}\r\nSubject: x\r\n\r\n');
    assert.match(appended!, /^j OK \[APPENDUID \d+ \d+\] APPEND completed\r\n$/);
    wire.close();
  });

  it('closes the connection after too many bad commands', async () => {
    const wire = await Wire.open(h.imap);
    for (let i = 0; i < 19; i++) assert.deepEqual(await wire.command(`t${i}`, 'BOGUS'), [`t${i} BAD Unknown command\r\n`]);
    assert.deepEqual(await wire.command('last', 'BOGUS'), ['last BAD Unknown command\r\n']);
    assert.equal(await wire.readLine(), '* BYE Too many invalid commands\r\n');
  });
});
