// \Recent as RFC 3501 2.3.2 has it and Dovecot keeps it: recent in exactly one session, the first
// to SELECT the mailbox after the message arrived; EXAMINE and STATUS count without claiming;
// claims outlive a restart and a rebuild, and hold between two server processes on one data dir.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, type ChildProcess } from 'node:child_process';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { openRuntime } from '../../src/frontends/runtime.ts';
import { tempDir } from '../helpers/runtime.ts';
import { message, PASSWORD, startHarness, type Harness } from './harness.ts';
import { kill, startServer } from './spawned-server.ts';
import { Wire } from './wire.ts';

const script = fileURLToPath(new URL('./imaplib_recent.py', import.meta.url));

/** The untagged lines of a reply that match, e.g. /RECENT/. */
const lines = (reply: readonly string[], pattern: RegExp) => reply.filter((l) => pattern.test(l));

/** UIDs a UID SEARCH found. */
async function uidSearch(w: Wire, criteria: string): Promise<number[]> {
  const [found] = await w.command('u', `UID SEARCH ${criteria}`);
  return found!.trim().split(' ').slice(2).map(Number);
}

/**
 * NOOP until a reply has a line matching `wanted` (the change feed nudges a session a moment after
 * a write elsewhere); that reply. `already`: it was seen before, so one NOOP is enough.
 */
async function noopUntil(w: Wire, wanted: RegExp, already = false): Promise<string[]> {
  for (let i = 0; i < 100; i++) {
    const reply = await w.command('n', 'NOOP');
    if (already || reply.some((l) => wanted.test(l))) return reply;
    await new Promise((r) => setTimeout(r, 10));
  }
  assert.fail(`no ${wanted} after 100 NOOPs`);
}

describe('\\Recent in one server', () => {
  let h: Harness;
  let user = 0;
  before(async () => {
    h = await startHarness();
  });
  after(() => h.stop());

  /** A fresh user, so each test has an INBOX nobody has selected yet. */
  async function freshUser(): Promise<{ address: string; accountId: string }> {
    const address = `recent${++user}@example.test`;
    return { address, accountId: await h.addUser(address) };
  }

  async function session(address: string): Promise<Wire> {
    const w = await Wire.open(h.imap);
    await w.login(address, PASSWORD);
    return w;
  }

  it('python imaplib: the first SELECT sees a delivery as recent, the next session does not, and an arrival is recent in one of two', async () => {
    const { address, accountId } = await freshUser();
    await h.deliver(accountId, message(1));
    const { stdout } = await promisify(execFile)('python3', [script, String(h.imap), address, PASSWORD], { timeout: 30_000 });
    const r = JSON.parse(stdout) as Record<string, unknown>;
    assert.deepEqual(r.a_select, { exists: ['1'], recent: ['1'] });
    assert.deepEqual([r.a_recent, r.a_new, r.a_flags], [['1'], ['1'], ['1 (FLAGS (\\Recent))']]);
    // STORE cannot take \Recent away: FLAGS (\Seen) replaces the others, \Recent stays.
    assert.deepEqual([r.a_store, r.a_new_after_seen], [['1 (FLAGS (\\Seen \\Recent))'], []]);
    assert.deepEqual(r.b_select, { exists: ['1'], recent: ['0'] });
    assert.deepEqual([r.b_recent, r.b_old, r.b_flags], [[], ['1'], ['1 (FLAGS (\\Seen))']]);
    // Appended while a and b are both selected: STATUS counts it until one of them claims it.
    assert.deepEqual(r.c_status, ['INBOX (MESSAGES 2 RECENT 1)']);
    assert.deepEqual(r.a_noop, { exists: ['2'], recent: ['2'] });
    assert.deepEqual(r.b_noop, { exists: ['2'], recent: ['0'] });
    assert.deepEqual([r.a_recent_after, r.b_recent_after], [['1', '2'], []]);
    assert.deepEqual(r.c_status_after, ['INBOX (MESSAGES 2 RECENT 0)']);
  });

  it('EXAMINE and STATUS count unclaimed messages without claiming them', async () => {
    const { address, accountId } = await freshUser();
    await h.deliver(accountId, message(1));
    await h.deliver(accountId, message(2));
    const looker = await session(address);
    const examined = await looker.command('e', 'EXAMINE INBOX');
    assert.deepEqual(lines(examined, /RECENT/), ['* 2 RECENT\r\n']);
    assert.deepEqual(await looker.command('f', 'FETCH 2 (FLAGS)'), ['* 2 FETCH (FLAGS (\\Recent))\r\n', 'f OK FETCH completed\r\n']);
    assert.deepEqual(await uidSearch(looker, 'RECENT'), [1, 2]);
    assert.deepEqual(await looker.command('s', 'STATUS INBOX (RECENT UNSEEN)'), ['* STATUS INBOX (RECENT 2 UNSEEN 2)\r\n', 's OK STATUS completed\r\n']);
    // Still there for the first session that SELECTs.
    const reader = await session(address);
    assert.deepEqual(lines(await reader.command('s', 'SELECT INBOX'), /RECENT/), ['* 2 RECENT\r\n']);
    assert.deepEqual(await looker.command('s', 'STATUS INBOX (RECENT)'), ['* STATUS INBOX (RECENT 0)\r\n', 's OK STATUS completed\r\n']);
    const late = await session(address);
    assert.deepEqual(lines(await late.command('e', 'EXAMINE INBOX'), /RECENT/), ['* 0 RECENT\r\n']);
    // A reselect by the claiming session is a new look: nothing is recent any more.
    assert.deepEqual(lines(await reader.command('s', 'SELECT INBOX'), /RECENT/), ['* 0 RECENT\r\n']);
    for (const w of [looker, reader, late]) w.close();
  });

  it('deliveries while six sessions IDLE are each recent in exactly one of them', async () => {
    const { address, accountId } = await freshUser();
    const sessions = await Promise.all(Array.from({ length: 6 }, () => session(address)));
    for (const w of sessions) {
      await w.command('s', 'SELECT INBOX');
      w.send('i IDLE\r\n');
      assert.equal(await w.readLine(), '+ idling\r\n');
    }
    const delivered = await Promise.all([1, 2, 3].map((n) => h.deliver(accountId, message(n))));
    const told: string[][] = [];
    for (const w of sessions) {
      w.send('DONE\r\n');
      told.push(await w.until('i'));
    }
    const recent = await Promise.all(sessions.map((w) => uidSearch(w, 'RECENT')));
    const claimed = recent.flat().sort((a, b) => a - b);
    assert.deepEqual(claimed, delivered.map((d) => d.uid).sort((a, b) => a - b), JSON.stringify(recent));
    // Each session's last RECENT response counted what it claimed, and came with the EXISTS.
    told.forEach((reply, i) => {
      assert.equal(lines(reply, /RECENT/).at(-1), `* ${recent[i]!.length} RECENT\r\n`, reply.join(''));
      assert.equal(lines(reply, /EXISTS/).length, lines(reply, /RECENT/).length, reply.join(''));
    });
    for (const w of sessions) w.close();
  });

  it('APPEND into the selected mailbox: the message is recent in the appending session alone, told before its OK; racing deliveries still in exactly one', async () => {
    const { address, accountId } = await freshUser();
    const [appender, b, c] = await Promise.all([session(address), session(address), session(address)]);
    for (const w of [appender, b, c]) await w.command('s', 'SELECT INBOX');
    const reply = await appender.command('a', 'APPEND INBOX {14+}\r\nSubject: 1\r\n\r\n');
    const uid = Number(/APPENDUID \d+ (\d+)/.exec(reply.at(-1)!)![1]);
    assert.deepEqual(lines(reply, /EXISTS|RECENT/), ['* 1 EXISTS\r\n', '* 1 RECENT\r\n'], reply.join(''));
    // The others hear of it at a NOOP once the change feed has nudged them.
    for (const w of [b, c]) assert.deepEqual(lines(await noopUntil(w, /EXISTS/), /EXISTS|RECENT/), ['* 1 EXISTS\r\n', '* 0 RECENT\r\n']);
    assert.deepEqual(await uidSearch(appender, 'RECENT'), [uid]);
    for (const w of [b, c]) assert.deepEqual(await uidSearch(w, 'RECENT'), []);

    const [appended, ...delivered] = await Promise.all([
      appender.command('a', 'APPEND INBOX {14+}\r\nSubject: 2\r\n\r\n'),
      h.deliver(accountId, message(3)),
      h.deliver(accountId, message(4)),
    ]);
    const uids = [Number(/APPENDUID \d+ (\d+)/.exec(appended.at(-1)!)![1]), ...delivered.map((d) => d.uid)];
    for (const w of [appender, b, c]) await noopUntil(w, /^\* 4 EXISTS/, appended.some((l) => l.startsWith('* 4 EXISTS')) && w === appender);
    const recent = await Promise.all([appender, b, c].map((w) => uidSearch(w, 'RECENT')));
    assert.deepEqual(recent.flat().sort((x, y) => x - y), [uid, ...uids].sort((x, y) => x - y), JSON.stringify(recent));
    for (const w of [appender, b, c]) w.close();
  });

  it('refuses \\Recent in STORE, and keeps showing it', async () => {
    const { address, accountId } = await freshUser();
    await h.deliver(accountId, message(1));
    const w = await session(address);
    await w.command('s', 'SELECT INBOX');
    assert.match((await w.command('a', 'STORE 1 -FLAGS (\\Recent)')).at(-1)!, /^a BAD /);
    assert.deepEqual(await w.command('b', 'FETCH 1 (FLAGS)'), ['* 1 FETCH (FLAGS (\\Recent))\r\n', 'b OK FETCH completed\r\n']);
    w.close();
  });
});

describe('\\Recent across restarts and processes', () => {
  const USER = 'kept@example.test';
  const dir = tempDir('postlog-imap-recent-');
  const children = new Set<ChildProcess>();
  after(async () => {
    // A failed test leaves its servers running, and they would keep the test process alive.
    for (const child of children) if (child.exitCode === null && child.signalCode === null) await kill(child);
    dir.remove();
  });

  async function spawnServer(): Promise<{ child: ChildProcess; port: number }> {
    const started = await startServer(dir.path, USER);
    children.add(started.child);
    return started;
  }

  it('a restart and a rebuild keep claimed messages old and unclaimed ones recent', async () => {
    let server = await spawnServer();
    const w = await Wire.open(server.port);
    await w.login(USER, PASSWORD);
    await w.command('a', 'APPEND INBOX {14+}\r\nSubject: 1\r\n\r\n');
    assert.deepEqual(lines(await w.command('s', 'SELECT INBOX'), /RECENT/), ['* 1 RECENT\r\n']);
    await w.command('x', 'UNSELECT');
    await w.command('b', 'APPEND INBOX {14+}\r\nSubject: 2\r\n\r\n');
    await kill(server.child);
    w.close();

    const runtime = await openRuntime(dir.path, { follow: false });
    await runtime.runner.rebuild();
    await runtime.close();

    server = await spawnServer();
    const again = await Wire.open(server.port);
    await again.login(USER, PASSWORD);
    assert.deepEqual(await again.command('t', 'STATUS INBOX (MESSAGES RECENT)'), ['* STATUS INBOX (MESSAGES 2 RECENT 1)\r\n', 't OK STATUS completed\r\n']);
    assert.deepEqual(lines(await again.command('s', 'SELECT INBOX'), /EXISTS|RECENT/), ['* 2 EXISTS\r\n', '* 1 RECENT\r\n']);
    assert.deepEqual(await uidSearch(again, 'RECENT'), [2]);
    await kill(server.child);
    again.close();
  });

  it('two server processes on one data directory never both give out the same recent message', async () => {
    const one = await spawnServer();
    const two = await spawnServer();
    const open = async (port: number) => {
      const w = await Wire.open(port);
      await w.login(USER, PASSWORD);
      return w;
    };
    const appender = await open(one.port);
    const append = async (subject: string) => {
      const appended = await appender.command('a', `APPEND INBOX {${subject.length + 13}+}\r\nSubject: ${subject}\r\n\r\n`);
      return Number(/APPENDUID \d+ (\d+)/.exec(appended.at(-1)!)![1]);
    };
    const watcher = await open(two.port);
    const messagesThere = async () => Number(/MESSAGES (\d+)/.exec((await watcher.command('t', 'STATUS INBOX (MESSAGES)'))[0]!)![1]);
    const before = await messagesThere();
    await append('raced');
    // The other process finds the append by looking at the log again (every 100 ms).
    while ((await messagesThere()) === before) await new Promise((r) => setTimeout(r, 20));

    // Four sessions in each process SELECT at once: one of the eight gets the message.
    const sessions = await Promise.all([one.port, one.port, one.port, one.port, two.port, two.port, two.port, two.port].map(open));
    const selected = await Promise.all(sessions.map((w) => w.command('s', 'SELECT INBOX')));
    const counts = selected.map((reply) => Number(/^\* (\d+) RECENT/.exec(lines(reply, /RECENT/)[0]!)![1]));
    assert.deepEqual(counts.sort(), [0, 0, 0, 0, 0, 0, 0, 1]);

    // A message arriving while a session of each process IDLEs.
    const [here, there] = [sessions[0]!, sessions[7]!];
    for (const w of [here, there]) {
      w.send('i IDLE\r\n');
      assert.equal(await w.readLine(), '+ idling\r\n');
    }
    const uid = await append('idled');
    const told = await Promise.all([here, there].map((w) => w.readLine(3000)));
    assert.match(told[0]!, /^\* \d+ EXISTS\r\n$/);
    assert.equal(told[1], told[0]);
    const recent: number[][] = [];
    for (const w of [here, there]) {
      w.send('DONE\r\n');
      await w.until('i');
      recent.push(await uidSearch(w, `RECENT UID ${uid}`));
    }
    assert.deepEqual(recent.flat(), [uid], JSON.stringify(recent));
    for (const w of [...sessions, watcher, appender]) w.close();
    await kill(one.child);
    await kill(two.child);
  });
});
