// POP3 over the wire, byte for byte: every command, bad input, QUIT versus a dropped connection.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mailboxStream } from '../../src/domain/mailbox/events.ts';
import { INBOX } from '../../src/domain/account/names.ts';
import { PASSWORD, sampleMessage, startHarness, type Harness } from './harness.ts';
import { Wire } from './wire.ts';

const STATE_ERR = '-ERR Command not valid in this state';

async function login(h: Harness, address: string): Promise<Wire> {
  const wire = await Wire.connect(h.pop3);
  assert.equal(await wire.line(), '+OK localhost POP3 server ready');
  assert.equal(await wire.command(`USER ${address}`), '+OK Send PASS');
  assert.match(await wire.command(`PASS ${PASSWORD}`), /^\+OK Logged in; maildrop has \d+ messages \(\d+ octets\)$/);
  return wire;
}

/** Logs in once the server has seen a dropped session close and let go of its lock. */
async function loginAfterDrop(h: Harness, address: string): Promise<Wire> {
  for (let i = 0; i < 50; i++) {
    const w = await Wire.connect(h.pop3);
    await w.line();
    await w.command(`USER ${address}`);
    if ((await w.command(`PASS ${PASSWORD}`)).startsWith('+OK')) return w;
    w.drop();
  }
  throw new Error(`${address}: still locked after 50 tries`);
}

describe('POP3 session', () => {
  let h: Harness;
  let accountId: string;
  let inbox: string;
  const raw = [sampleMessage(1), 'Subject: tiny\r\n\r\nhi\r\n', sampleMessage(3, '.\r\n.. \r\nend')];

  before(async () => {
    h = await startHarness({ pop3: { maxBadCommands: 25 } });
    accountId = await h.addUser('user@example.test');
    for (const m of raw) await h.deliver(accountId, m);
    inbox = (await h.runtime.mail.mailbox(accountId, INBOX)).mailboxId;
  });
  after(() => h.stop());

  it('answers STAT, LIST, UIDL, RETR, TOP, NOOP exactly', async () => {
    const wire = await login(h, 'user@example.test');
    const sizes = raw.map((m) => Buffer.byteLength(m));
    const total = sizes.reduce((a, b) => a + b);
    assert.equal(await wire.command('STAT'), `+OK 3 ${total}`);
    assert.equal(await wire.command('LIST'), `+OK 3 messages (${total} octets)`);
    assert.equal(await wire.body(), `1 ${sizes[0]}\r\n2 ${sizes[1]}\r\n3 ${sizes[2]}\r\n.\r\n`);
    assert.equal(await wire.command('list 2'), `+OK 2 ${sizes[1]}`);
    const messages = h.runtime.mailboxes.messages(inbox);
    assert.equal(await wire.command('UIDL'), '+OK Unique-ID listing follows');
    assert.equal(await wire.body(), messages.map((m, i) => `${i + 1} ${m.emailId}\r\n`).join('') + '.\r\n');
    assert.equal(await wire.command('UIDL 3'), `+OK 3 ${messages[2]!.emailId}`);
    assert.equal(await wire.command('RETR 2'), `+OK ${sizes[1]} octets`);
    assert.equal(await wire.body(), 'Subject: tiny\r\n\r\nhi\r\n.\r\n');
    assert.equal(await wire.command('RETR 3'), `+OK ${sizes[2]} octets`);
    const stuffed = raw[2]!.replace(/\r\n\./g, '\r\n..');
    assert.equal(await wire.body(), `${stuffed}.\r\n`);
    assert.equal(await wire.command('TOP 2 0'), '+OK Top of message follows');
    assert.equal(await wire.body(), 'Subject: tiny\r\n\r\n.\r\n');
    assert.equal(await wire.command('TOP 1 4'), '+OK Top of message follows');
    const [header] = raw[0]!.split('\r\n\r\n');
    assert.equal(await wire.body(), `${header}\r\n\r\n--b1\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nBody of message 1.\r\n.\r\n`);
    assert.equal(await wire.command('NOOP'), '+OK');
    assert.equal(await wire.command('QUIT'), '+OK localhost POP3 server signing off (0 messages deleted)');
    await wire.waitClosed();
  });

  it('DELE marks, RSET unmarks, and a deleted or missing message is refused while the session goes on', async () => {
    const wire = await login(h, 'user@example.test');
    assert.equal(await wire.command('DELE 1'), '+OK Message 1 deleted');
    assert.equal(await wire.command('RETR 1'), '-ERR Message 1 is deleted');
    assert.equal(await wire.command('DELE 1'), '-ERR Message 1 is deleted');
    assert.equal(await wire.command('TOP 1 0'), '-ERR Message 1 is deleted');
    assert.equal(await wire.command('LIST 1'), '-ERR Message 1 is deleted');
    assert.equal(await wire.command('RETR 9'), '-ERR No message 9');
    assert.equal(await wire.command('UIDL 4'), '-ERR No message 4');
    assert.match(await wire.command('STAT'), /^\+OK 2 \d+$/);
    assert.equal(await wire.command('UIDL'), '+OK Unique-ID listing follows');
    assert.match(await wire.body(), /^2 \S+\r\n3 \S+\r\n\.\r\n$/);
    assert.match(await wire.command('RSET'), /^\+OK Maildrop has 3 messages \(\d+ octets\)$/);
    assert.match(await wire.command('LIST 1'), /^\+OK 1 \d+$/);
    assert.equal(await wire.command('QUIT'), '+OK localhost POP3 server signing off (0 messages deleted)');
    assert.equal((await h.runtime.mail.uids(inbox)).length, 3);
  });

  it('refuses malformed arguments with -ERR and goes on', async () => {
    const wire = await login(h, 'user@example.test');
    for (const bad of ['RETR', 'RETR abc', 'RETR 0', 'RETR -1', 'TOP 1', 'TOP 1 x', 'LIST 1 2', 'STAT 1', 'DELE', 'NOOP now']) {
      assert.match(await wire.command(bad), /^-ERR (Syntax error|Expected .*|This command takes no arguments)$/, bad);
    }
    assert.equal(await wire.command('NOOP'), '+OK');
    assert.equal(await wire.command('QUIT'), '+OK localhost POP3 server signing off (0 messages deleted)');
  });

  it('refuses commands before authentication, unknown commands and overlong lines, and goes on', async () => {
    const wire = await Wire.connect(h.pop3);
    await wire.line();
    for (const cmd of ['STAT', 'LIST', 'RETR 1', 'DELE 1', 'UIDL', 'TOP 1 1', 'NOOP', 'RSET', 'PASS x']) {
      assert.equal(await wire.command(cmd), cmd === 'PASS x' ? '-ERR Send USER first' : STATE_ERR, cmd);
    }
    assert.equal(await wire.command('APOP user@example.test c4c9334bac560ecc979e58001b3e22fb'), '-ERR Unknown command');
    assert.equal(await wire.command('XYZZY'), '-ERR Unknown command');
    assert.equal(await wire.command(`USER ${'x'.repeat(300)}`), '-ERR Line too long');
    wire.write(`${'y'.repeat(200_000)}\r\n`);
    assert.equal(await wire.line(), '-ERR Line too long');
    assert.equal(await wire.command('USER user@example.test'), '+OK Send PASS');
    assert.match(await wire.command(`PASS ${PASSWORD}`), /^\+OK Logged in/);
    assert.equal(await wire.command('USER user@example.test'), STATE_ERR);
    assert.equal(await wire.command('QUIT'), '+OK localhost POP3 server signing off (0 messages deleted)');
  });

  it('closes the connection after too many bad commands', async () => {
    const wire = await Wire.connect(h.pop3);
    await wire.line();
    for (let i = 1; i < 25; i++) assert.equal(await wire.command('BOGUS'), '-ERR Unknown command');
    assert.equal(await wire.command('BOGUS'), '-ERR Unknown command');
    assert.equal(await wire.line(), '-ERR Too many bad commands; closing the connection');
    await wire.waitClosed();
  });

  it('answers pipelined commands in order', async () => {
    const wire = await Wire.connect(h.pop3);
    await wire.line();
    wire.write(`USER user@example.test\r\nPASS ${PASSWORD}\r\nSTAT\r\nLIST 2\r\nRETR 2\r\nNOOP\r\nQUIT\r\n`);
    assert.equal(await wire.line(), '+OK Send PASS');
    assert.match(await wire.line(), /^\+OK Logged in/);
    assert.match(await wire.line(), /^\+OK 3 \d+$/);
    assert.match(await wire.line(), /^\+OK 2 \d+$/);
    assert.match(await wire.line(), /^\+OK \d+ octets$/);
    assert.equal(await wire.body(), 'Subject: tiny\r\n\r\nhi\r\n.\r\n');
    assert.equal(await wire.line(), '+OK');
    assert.match(await wire.line(), /^\+OK .* signing off/);
    await wire.waitClosed();
  });

  it('a second session for the same user gets [IN-USE], and may log in once the first has ended', async () => {
    const first = await login(h, 'user@example.test');
    const second = await Wire.connect(h.pop3);
    await second.line();
    assert.equal(await second.command('USER user@example.test'), '+OK Send PASS');
    assert.equal(await second.command(`PASS ${PASSWORD}`), '-ERR [IN-USE] Maildrop is locked by another POP3 session');
    assert.equal(await second.command('STAT'), STATE_ERR);
    assert.equal(await first.command('QUIT'), '+OK localhost POP3 server signing off (0 messages deleted)');
    await first.waitClosed();
    assert.equal(await second.command('USER user@example.test'), '+OK Send PASS');
    assert.match(await second.command(`PASS ${PASSWORD}`), /^\+OK Logged in/);
    second.drop();
  });

  it('marks what RETR sent \\Seen at QUIT, and nothing after TOP or without QUIT', async () => {
    const reader = await h.addUser('reader@example.test');
    for (const m of raw) await h.deliver(reader, m);
    const box = (await h.runtime.mail.mailbox(reader, INBOX)).mailboxId;
    const uids = await h.runtime.mail.uids(box);
    const seen = () => uids.map((uid) => h.runtime.mailboxes.message(box, uid)?.flags.includes('\\Seen'));
    const dropped = await login(h, 'reader@example.test');
    assert.match(await dropped.command('RETR 1'), /^\+OK/);
    await dropped.body();
    dropped.drop();
    const wire = await loginAfterDrop(h, 'reader@example.test');
    assert.deepEqual(seen(), [false, false, false], 'a session that ended without QUIT changed nothing');
    assert.match(await wire.command('RETR 2'), /^\+OK/);
    await wire.body();
    assert.match(await wire.command('TOP 3 0'), /^\+OK/);
    await wire.body();
    assert.match(await wire.command('RETR 1'), /^\+OK/);
    await wire.body();
    assert.equal(await wire.command('DELE 1'), '+OK Message 1 deleted');
    assert.deepEqual(seen(), [false, false, false], 'nothing changes before QUIT');
    assert.match(await wire.command('QUIT'), /^\+OK/);
    assert.deepEqual(await h.runtime.mail.uids(box), uids.slice(1));
    assert.deepEqual(seen(), [undefined, true, false], 'RETR marks, TOP does not; the deleted one is gone');
  });

  it('a dropped connection deletes nothing; QUIT removes the marked messages as one expunge by pop3', async () => {
    const dropped = await login(h, 'user@example.test');
    assert.equal(await dropped.command('DELE 1'), '+OK Message 1 deleted');
    assert.equal(await dropped.command('DELE 3'), '+OK Message 3 deleted');
    dropped.drop();
    const wire = await loginAfterDrop(h, 'user@example.test');
    assert.match(await wire.command('STAT'), /^\+OK 3 /);
    const uids = await h.runtime.mail.uids(inbox);
    assert.equal(await wire.command('DELE 1'), '+OK Message 1 deleted');
    assert.equal(await wire.command('DELE 3'), '+OK Message 3 deleted');
    const before = await h.runtime.storage.events.headPosition();
    assert.equal(await wire.command('QUIT'), '+OK localhost POP3 server signing off (2 messages deleted)');
    // +OK came after the event was stored
    const events = await h.runtime.storage.events.readStream(mailboxStream(inbox));
    const expunges = events.filter((r) => r.position > before);
    assert.equal(expunges.length, 1);
    const { event } = expunges[0]!;
    assert.equal(event.type, 'MessagesExpunged');
    assert.deepEqual((event.data as { uids: number[]; reason: string }).uids, [uids[0], uids[2]]);
    assert.equal((event.data as { reason: string }).reason, 'pop3');
    assert.deepEqual(event.meta.actor, { kind: 'user', id: accountId, protocol: 'pop3', address: '127.0.0.1' });
    assert.deepEqual(await h.runtime.mail.uids(inbox), [uids[1]]);
  });
});
