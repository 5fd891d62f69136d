// Nothing a user stored is lost: a server killed during APPEND leaves the whole message or none,
// flags answered with OK survive a restart, and a 20 MB message goes in and comes back whole.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { PASSWORD, startHarness, message } from './harness.ts';
import { tempDir } from '../helpers/runtime.ts';
import { openRuntime } from '../../src/frontends/runtime.ts';
import { kill, startServer } from './spawned-server.ts';
import { Wire } from './wire.ts';

const USER = 'durable@example.test';

/** What INBOX holds after a restart: each message's size and its first bytes. */
async function inbox(dataDir: string): Promise<{ size: number; flags: string[]; head: string }[]> {
  const runtime = await openRuntime(dataDir, { follow: false });
  try {
    const accountId = (await runtime.mail.accountOf(USER))!;
    const box = runtime.accounts.mailboxByName(accountId, 'INBOX')!;
    return await Promise.all(
      runtime.mailboxes.messages(box.mailboxId).map(async (m) => ({
        size: m.size,
        flags: m.flags,
        head: (await runtime.storage.blobs.getRange(m.blobId, 0, 9)).toString(),
      })),
    );
  } finally {
    await runtime.close();
  }
}

describe('IMAP durability', () => {
  const dir = tempDir('postlog-imap-kill-');
  after(() => dir.remove());

  it('a server killed during APPEND leaves the whole message or none', async () => {
    const body = `Subject: big\r\n\r\n${'0123456789'.repeat(200_000)}\r\n`;
    // Killed half-way through the literal: nothing.
    let { child, port } = await startServer(dir.path, USER);
    let w = await Wire.open(port);
    await w.login(USER, PASSWORD);
    w.send(`a APPEND INBOX {${body.length}}\r\n`);
    assert.equal(await w.readLine(), '+ Ready for literal data\r\n');
    w.send(body.slice(0, body.length / 2));
    await new Promise((r) => setTimeout(r, 50));
    await kill(child);
    w.close();
    assert.deepEqual(await inbox(dir.path), []);
    // Killed just after the last byte, racing the commit: all of it or none, and all of it if OK came.
    ({ child, port } = await startServer(dir.path, USER));
    w = await Wire.open(port);
    await w.login(USER, PASSWORD);
    w.send(`b APPEND INBOX {${body.length}}\r\n`);
    await w.readLine();
    w.send(body);
    const answered = await Promise.race([w.until('b').then(() => true, () => false), new Promise<boolean>((r) => setTimeout(() => r(false), 5))]);
    await kill(child);
    w.close();
    const after = await inbox(dir.path);
    assert.ok(after.length <= 1);
    if (answered) assert.equal(after.length, 1);
    for (const m of after) assert.deepEqual([m.size, m.head], [body.length, 'Subject: ']);
  });

  it('flags answered with OK survive a kill and restart', async () => {
    const { child, port } = await startServer(dir.path, USER);
    const w = await Wire.open(port);
    await w.login(USER, PASSWORD);
    await w.command('a', 'APPEND INBOX {14+}\r\nSubject: x\r\n\r\n');
    await w.command('s', 'SELECT INBOX');
    const reply = await w.command('f', 'STORE * +FLAGS ($Kept \\Answered)');
    assert.equal(reply.at(-1), 'f OK STORE completed\r\n');
    await kill(child);
    w.close();
    const messages = await inbox(dir.path);
    assert.deepEqual(messages.at(-1)!.flags.sort(), ['$Kept', '\\Answered']);
  });
});

describe('IMAP with a 20 MB message', () => {
  let h: Awaited<ReturnType<typeof startHarness>>;
  before(async () => {
    h = await startHarness();
    await h.addUser(USER);
  });
  after(() => h.stop());

  it('APPENDs it streaming and FETCHes it back byte for byte', async () => {
    const line = 'x'.repeat(76) + '\r\n';
    const big = Buffer.from(message(1, { body: line.repeat(Math.ceil((20 * 1024 * 1024) / line.length)) }));
    const c = await h.client(USER);
    const appended = await c.append('INBOX', big);
    assert.ok(appended && appended.uid);
    await c.mailboxOpen('INBOX');
    const got = await c.fetchOne(String(appended.uid), { source: true, size: true }, { uid: true });
    assert.ok(got);
    assert.equal(got.size, big.length);
    assert.ok(got.source!.equals(big));
    await c.logout();
  });
});
