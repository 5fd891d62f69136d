// Real clients against the POP3 server: python3's poplib and curl, over the plain port, STLS
// and implicit TLS, with USER/PASS and SASL PLAIN/LOGIN; IN-USE; QUIT versus a dropped connection.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { INBOX } from '../../src/domain/account/names.ts';
import { PASSWORD, sampleMessage, startHarness, type Harness } from './harness.ts';
import { Wire } from './wire.ts';

const SCRIPT = fileURLToPath(new URL('./poplib_client.py', import.meta.url));
type Step = [connection: string, operation: string, ...args: (string | number)[]];
type Result = { ok?: any; error?: string };

/** Runs the poplib script (asynchronously: the server answers from this same process). */
async function poplib(h: Harness, steps: Step[]): Promise<Result[]> {
  const child = spawn('python3', [SCRIPT], { stdio: ['pipe', 'pipe', 'pipe'], timeout: 60_000 });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  child.stdin.end(JSON.stringify({ pop3: h.pop3, pop3s: h.pop3s, steps }));
  const [status] = await once(child, 'close');
  assert.equal(status, 0, stderr);
  return JSON.parse(stdout);
}

function curl(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile('curl', ['-s', '-S', '--max-time', '20', ...args], { encoding: 'latin1' }, (error, stdout, stderr) =>
      resolve({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

/** what curl's -v showed the client sending (">") and the server answering ("<") */
const said = (stderr: string, who: '>' | '<') => stderr.split('\n').filter((l) => l.startsWith(who + ' ')).map((l) => l.slice(2).trimEnd());

const ok = (r: Result | undefined) => {
  assert.ok(r && 'ok' in r, `expected success, got ${JSON.stringify(r)}`);
  return r.ok;
};

describe('POP3 with python3 poplib', () => {
  let h: Harness;
  let inbox: string;
  const user = 'py@example.test';
  const raw = [sampleMessage(1), 'Subject: tiny\r\n\r\nhi\r\n', sampleMessage(3, '.\r\n..\r\nend'), 'Subject: four\r\n\r\n4\r\n'];
  const lines = (m: string) => m.split('\r\n').slice(0, -1);

  before(async () => {
    h = await startHarness();
    const accountId = await h.addUser(user);
    for (const m of raw) await h.deliver(accountId, m);
    inbox = (await h.runtime.mail.mailbox(accountId, INBOX)).mailboxId;
  });
  after(() => h.stop());

  it('runs every RFC 1939 command with USER/PASS on the plain port', async () => {
    const sizes = raw.map((m) => Buffer.byteLength(m));
    const total = sizes.reduce((a, b) => a + b);
    const r = await poplib(h, [
      ['a', 'connect', 'plain'], ['a', 'capa'], ['a', 'user', user], ['a', 'pass', PASSWORD],
      ['a', 'stat'], ['a', 'list'], ['a', 'list', 2], ['a', 'uidl'], ['a', 'uidl', 3],
      ['a', 'retr', 3], ['a', 'top', 1, 0], ['a', 'top', 3, 3], ['a', 'noop'],
      ['a', 'dele', 2], ['a', 'retr', 2], ['a', 'list', 2], ['a', 'rset'], ['a', 'list', 2], ['a', 'retr', 9], ['a', 'quit'],
    ]);
    assert.equal(ok(r[0]), '+OK localhost POP3 server ready');
    const capa = ok(r[1]);
    for (const c of ['TOP', 'UIDL', 'RESP-CODES', 'AUTH-RESP-CODE', 'PIPELINING', 'USER', 'STLS']) assert.deepEqual(capa[c], [], c);
    assert.deepEqual([capa.SASL, capa.EXPIRE, capa.IMPLEMENTATION], [['PLAIN', 'LOGIN'], ['NEVER'], ['postlog']]);
    assert.deepEqual(ok(r[4]), [4, total]);
    assert.deepEqual(ok(r[5]).slice(0, 2), [`+OK 4 messages (${total} octets)`, sizes.map((s, i) => `${i + 1} ${s}`)]);
    assert.equal(ok(r[6]), `+OK 2 ${sizes[1]}`);
    const emailIds = h.runtime.mailboxes.messages(inbox).map((m) => m.emailId);
    assert.deepEqual(ok(r[7])[1], emailIds.map((id, i) => `${i + 1} ${id}`));
    assert.equal(ok(r[8]), `+OK 3 ${emailIds[2]}`);
    // poplib undoes the dot-stuffing: the lines are the message's own
    assert.deepEqual(ok(r[9]).slice(0, 2), [`+OK ${sizes[2]} octets`, lines(raw[2]!)]);
    assert.deepEqual(ok(r[10])[1], [...lines(raw[0]!.split('\r\n\r\n')[0]! + '\r\n'), '']);
    assert.deepEqual(ok(r[11])[1], lines(raw[2]!).slice(0, lines(raw[2]!).indexOf('') + 4));
    assert.equal(ok(r[12]), '+OK');
    assert.equal(ok(r[13]), '+OK Message 2 deleted');
    assert.deepEqual(r[14], { error: '-ERR Message 2 is deleted' });
    assert.deepEqual(r[15], { error: '-ERR Message 2 is deleted' });
    assert.match(ok(r[16]), /^\+OK Maildrop has 4 messages/);
    assert.equal(ok(r[17]), `+OK 2 ${sizes[1]}`);
    assert.deepEqual(r[18], { error: '-ERR No message 9' });
    assert.match(ok(r[19]), /signing off \(0 messages deleted\)/);
  });

  it('STLS then AUTH PLAIN, and implicit TLS with AUTH LOGIN; QUIT removes what DELE marked', async () => {
    const r = await poplib(h, [
      ['a', 'connect', 'plain'], ['a', 'stls'], ['a', 'capa'], ['a', 'auth-plain', user, PASSWORD], ['a', 'stat'], ['a', 'dele', 4], ['a', 'quit'],
      ['b', 'connect', 'ssl'], ['b', 'capa'], ['b', 'auth-login', user, PASSWORD], ['b', 'stat'], ['b', 'quit'],
    ]);
    assert.equal(ok(r[1]), '+OK Begin TLS negotiation now');
    assert.equal(ok(r[2]).STLS, undefined);
    assert.match(ok(r[3]), /^\+OK Logged in/);
    assert.equal(ok(r[4])[0], 4);
    assert.match(ok(r[6]), /\(1 messages deleted\)/);
    assert.equal(ok(r[8]).STLS, undefined);
    assert.deepEqual(ok(r[9]).slice(0, 2), ['+ VXNlcm5hbWU6', '+ UGFzc3dvcmQ6']);
    assert.match(ok(r[9])[2], /^\+OK Logged in; maildrop has 3 messages/);
    assert.equal(ok(r[10])[0], 3);
    assert.equal((await h.runtime.mail.uids(inbox)).length, 3);
  });

  it('a second session gets [IN-USE]; a dropped session deletes nothing', async () => {
    const r = await poplib(h, [
      ['a', 'connect', 'plain'], ['a', 'user', user], ['a', 'pass', PASSWORD], ['a', 'dele', 1],
      ['b', 'connect', 'ssl'], ['b', 'user', user], ['b', 'pass', PASSWORD], ['b', 'quit'],
      ['a', 'drop'],
    ]);
    assert.deepEqual(r[6], { error: '-ERR [IN-USE] Maildrop is locked by another POP3 session' });
    assert.match(ok(r[7]), /signing off/);
    assert.equal(ok(r[8]), 'dropped');
    // The server releases the lock once it has seen the close; a login right after may still meet it.
    let again: Result[] = [];
    for (let i = 0; i < 30 && !again[2]?.ok; i++) {
      if (i) await new Promise((resolve) => setTimeout(resolve, 100));
      again = await poplib(h, [['c', 'connect', 'plain'], ['c', 'user', user], ['c', 'pass', PASSWORD], ['c', 'stat'], ['c', 'quit']]);
    }
    assert.equal(ok(again[3])[0], 3);
    assert.equal((await h.runtime.mail.uids(inbox)).length, 3);
  });
});

describe('POP3 with curl', () => {
  let h: Harness;
  let inbox: string;
  const user = 'curl@example.test';
  const auth = ['-u', `${user}:${PASSWORD}`];
  const raw = [sampleMessage(1), 'Subject: two\r\n\r\n.dot\r\nsecond\r\n', 'Subject: three\r\n\r\n3\r\n'];
  let url: string;

  before(async () => {
    h = await startHarness();
    const accountId = await h.addUser(user);
    for (const m of raw) await h.deliver(accountId, m);
    inbox = (await h.runtime.mail.mailbox(accountId, INBOX)).mailboxId;
    url = `pop3://127.0.0.1:${h.pop3}`;
  });
  after(() => h.stop());

  it('LIST, RETR, UIDL, TOP, STAT, NOOP, RSET and DELE with SASL (curl picks PLAIN or LOGIN)', async () => {
    const list = await curl([...auth, `${url}/`]);
    assert.equal(list.code, 0, list.stderr);
    assert.equal(list.stdout, raw.map((m, i) => `${i + 1} ${Buffer.byteLength(m)}\r\n`).join(''));
    for (const [i, m] of raw.entries()) {
      const retr = await curl([...auth, `${url}/${i + 1}`]);
      assert.equal(retr.stdout, m, `RETR ${i + 1}`);
    }
    const uidl = await curl([...auth, '-X', 'UIDL', `${url}/`]);
    assert.equal(uidl.stdout, h.runtime.mailboxes.messages(inbox).map((m, i) => `${i + 1} ${m.emailId}\r\n`).join(''));
    const top = await curl([...auth, '-X', 'TOP 2 1', `${url}/`]);
    assert.equal(top.stdout, 'Subject: two\r\n\r\n.dot\r\n');
    for (const [command, answer] of [['STAT', /^\+OK 3 \d+$/], ['NOOP', /^\+OK$/], ['RSET', /^\+OK Maildrop has 3/]] as const) {
      const r = await curl(['-v', ...auth, '-X', command, '-I', `${url}/`]);
      assert.equal(r.code, 0, r.stderr);
      assert.ok(said(r.stderr, '>').includes(command));
      assert.ok(said(r.stderr, '<').some((l) => answer.test(l)), `${command}: ${r.stderr}`);
    }
    const dele = await curl(['-v', ...auth, '-X', 'DELE', '-I', `${url}/3`]);
    assert.equal(dele.code, 0, dele.stderr);
    assert.ok(said(dele.stderr, '>').includes('DELE 3'));
    // curl sends QUIT on closing (its -v does not show it): the mark became an expunge
    assert.equal((await h.runtime.mail.uids(inbox)).length, 2);
  });

  it('SASL PLAIN (with initial response) and LOGIN, over STLS and implicit TLS', async () => {
    const cases = [
      { args: ['--ssl-reqd', '--login-options', 'AUTH=PLAIN', '--sasl-ir', `${url}/1`], sent: /^AUTH PLAIN \S+$/ },
      { args: ['--ssl-reqd', '--login-options', 'AUTH=LOGIN', `${url}/1`], sent: /^AUTH LOGIN$/ },
      { args: ['--login-options', 'AUTH=PLAIN', `pop3s://127.0.0.1:${h.pop3s}/1`], sent: /^AUTH PLAIN$/ },
      { args: ['--login-options', 'AUTH=LOGIN', '--sasl-ir', `pop3s://127.0.0.1:${h.pop3s}/1`], sent: /^AUTH LOGIN \S+$/ },
    ];
    for (const { args, sent } of cases) {
      const r = await curl(['-v', '-k', ...auth, ...args]);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stdout, raw[0], args.join(' '));
      const client = said(r.stderr, '>');
      assert.ok(client.some((l) => sent.test(l)), client.join(' | '));
      assert.equal(client.includes('STLS'), args.includes('--ssl-reqd'));
    }
  });

  it('is refused with [IN-USE] while another session holds the maildrop', async () => {
    const holder = await Wire.connect(h.pop3);
    await holder.line();
    await holder.command(`USER ${user}`);
    assert.match(await holder.command(`PASS ${PASSWORD}`), /^\+OK/);
    const r = await curl(['-v', ...auth, `${url}/`]);
    assert.notEqual(r.code, 0);
    assert.ok(said(r.stderr, '<').some((l) => l.startsWith('-ERR [IN-USE]')), r.stderr);
    await holder.command('QUIT');
  });
});
