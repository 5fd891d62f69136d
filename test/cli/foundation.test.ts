// The foundation's commands as an admin runs them: deliver, mailbox, log, rebuild, serve.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '../helpers/runtime.ts';
import { BIN, postlogCli } from '../helpers/cli.ts';

const ADDRESS = 'alice@example.test';

describe('postlog deliver, mailbox, log, rebuild', () => {
  const dir = tempDir('postlog-foundation-');
  const postlog = postlogCli(dir.path);
  const eventCount = async () => (await postlog(['log', '--json'])).out.trim().split('\n').filter(Boolean).length;

  before(async () => {
    const added = await postlog(['user', 'add', ADDRESS, '--password-stdin'], 'pw-alice\n');
    assert.equal(added.code, 0, added.err);
  });
  after(() => dir.remove());

  it('delivers a message from stdin into INBOX, with bare LF or CRLF', async () => {
    const first = await postlog(['deliver', ADDRESS], 'From: Bob <bob@example.org>\r\nSubject: =?UTF-8?B?w4l0w6k=?=\r\n\r\nHello\r\n');
    assert.equal(first.code, 0, first.err);
    assert.match(first.out, /delivered to alice@example\.test INBOX uid 1 /);
    const second = await postlog(['deliver', ADDRESS], 'Subject: second\n\nbody\n');
    assert.match(second.out, /\(25 bytes, /, 'bare LF stored as CRLF');
    assert.equal(second.code, 0, second.err);
    const shown = JSON.parse((await postlog(['mailbox', 'show', ADDRESS, 'INBOX', '--json'])).out);
    assert.deepEqual(shown.messages.map((m: { uid: number; subject: string }) => [m.uid, m.subject]), [[1, 'Été'], [2, 'second']]);
    assert.equal(shown.uidNext, 3);
    assert.equal(shown.messages[0].from, 'Bob <bob@example.org>');
  });

  it('refuses an unknown address or something that is not a message, and stores nothing', async () => {
    const before = await eventCount();
    const unknown = await postlog(['deliver', 'nobody@example.test'], 'Subject: x\r\n\r\nx\r\n');
    assert.equal(unknown.code, 1);
    assert.match(unknown.err, /nobody@example\.test/);
    const garbage = await postlog(['deliver', ADDRESS], 'this is not a header\r\n\r\nbody\r\n');
    assert.equal(garbage.code, 1);
    assert.match(garbage.err, /not an RFC 5322 message/);
    const empty = await postlog(['deliver', ADDRESS], '');
    assert.equal(empty.code, 1);
    assert.match(empty.err, /no message on standard input/);
    assert.equal(await eventCount(), before);
  });

  it('lists the folder tree with counts', async () => {
    const listed = JSON.parse((await postlog(['mailbox', 'list', ADDRESS, '--json'])).out);
    const inbox = listed.find((f: { name: string }) => f.name === 'INBOX');
    assert.equal(inbox.messages, 2);
    assert.deepEqual(listed.map((f: { name: string }) => f.name).sort(), ['Archive', 'Drafts', 'INBOX', 'Junk', 'Sent', 'Trash']);
    const table = await postlog(['mailbox', 'list', ADDRESS]);
    assert.match(table.out, /^INBOX\s+2\s+2\s+\d+\s+\d+\s+\\HasNoChildren subscribed$/m);
  });

  it('prints the log, whole or one stream, and refuses a bad --from', async () => {
    const lines = (await postlog(['log', '--json'])).out.trim().split('\n').map((l) => JSON.parse(l));
    const positions = lines.map((r) => r.position);
    assert.deepEqual(positions, [...positions].sort((a, b) => a - b));
    assert.ok(lines.some((r) => r.event.type === 'MessageAppended'));
    const inboxStream = lines.find((r) => r.event.type === 'MessageAppended').stream;
    const stream = (await postlog(['log', '--stream', inboxStream, '--json'])).out.trim().split('\n').map((l) => JSON.parse(l));
    assert.deepEqual(stream.map((r) => r.revision), stream.map((_, i) => i));
    assert.deepEqual(stream.map((r) => r.event.type), ['MailboxInitialized', 'MessageAppended', 'MessageAppended']);
    const bad = await postlog(['log', '--from', 'yesterday']);
    assert.notEqual(bad.code, 0);
    assert.match(bad.err, /--from takes a whole number/);
  });

  it('rebuild replays the log into the same views', async () => {
    const before = (await postlog(['mailbox', 'show', ADDRESS, 'INBOX', '--json'])).out;
    const rebuilt = await postlog(['rebuild']);
    assert.equal(rebuilt.code, 0, rebuilt.err);
    assert.match(rebuilt.out, /rebuilt .*mailboxes.* up to position \d+/);
    assert.equal((await postlog(['mailbox', 'show', ADDRESS, 'INBOX', '--json'])).out, before);
    const unknown = await postlog(['rebuild', '--projection', 'nope']);
    assert.equal(unknown.code, 1);
    assert.match(unknown.err, /unknown projection nope/);
  });

  it('stops on an invalid configuration, naming the key', async () => {
    const file = join(dir.path, 'bad.yaml');
    writeFileSync(file, 'ports:\n  imap: 70000\n');
    const fromFile = await postlog(['--config', file, 'mailbox', 'list', ADDRESS]);
    assert.equal(fromFile.code, 2);
    assert.match(fromFile.err, /ports\.imap in .*bad\.yaml: Too big/);
    const fromEnv = await postlogCli(dir.path, { POSTLOG_TRUSTED_NETWORKS: '10.0.0.0/40' })(['mailbox', 'list', ADDRESS]);
    assert.equal(fromEnv.code, 2);
    assert.match(fromEnv.err, /POSTLOG_TRUSTED_NETWORKS \(trustedNetworks\.0\): a CIDR/);
  });
});

describe('postlog serve', () => {
  it('starts, says what listens where, and stops cleanly on SIGTERM', async () => {
    const dir = tempDir('postlog-serve-');
    const ports = Object.fromEntries(
      ['SMTP', 'SUBMISSION', 'SUBMISSIONS', 'IMAP', 'IMAPS', 'POP3', 'POP3S', 'LDAP', 'LDAPS'].map((p) => [`POSTLOG_${p}_PORT`, '0']),
    );
    const child = spawn(process.execPath, [BIN, '--data', dir.path, 'serve', '--demo'], {
      env: { ...process.env, ...ports, POSTLOG_CONFIG: '', POSTLOG_LOG_LEVEL: 'warn' },
    });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    let err = '';
    child.stderr.on('data', (d) => (err += d));
    try {
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no start-up banner within 30 s:\n${out}\n${err}`)), 30_000);
        child.stdout.on('data', () => out.includes('Stop with Ctrl-C') && (clearTimeout(timer), resolve()));
        child.on('exit', (code) => reject(new Error(`serve exited with ${code}:\n${out}\n${err}`)));
      });
      assert.match(out, /postlog is serving the data in /);
      assert.match(out, /demo@example\.test/);
      for (const service of ['smtp', 'imap', 'pop3', 'ldap']) assert.match(out, new RegExp(`^\\s+${service}\\s+127\\.0\\.0\\.1:\\d+`, 'm'));
      const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
      child.kill('SIGTERM');
      assert.equal(await exited, 0);
    } finally {
      child.kill('SIGKILL');
      dir.remove();
    }
  });
});
