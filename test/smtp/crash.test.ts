// kill -9 with many messages in flight: after a restart every message that got 250 is in its
// mailbox once, with a blob that reads back whole; any other is either just as whole or absent.
import { it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { openRuntime } from '../../src/frontends/runtime.ts';
import { loadConfig } from '../../src/frontends/config.ts';
import { commandContext } from '../../src/frontends/context.ts';
import { settled, tempDir } from '../helpers/runtime.ts';
import { Dialog } from './dialog.ts';
import { DOMAIN, inboxOf, readBlob } from './harness.ts';

const FIXTURE = fileURLToPath(new URL('./fixtures/serve.ts', import.meta.url));
const USERS = ['alice', 'bob', 'carol'].map((u) => `${u}@${DOMAIN}`);
const CLIENTS = 12;

function body(id: string, n: number): string {
  const filler = Array.from({ length: 40 + (n % 7) * 40 }, (_, i) => `${id} line ${i} ${'lorem ipsum '.repeat(6)}`).join('\r\n');
  return `Message-ID: <${id}@client.example>\r\nSubject: crash ${id}\r\nFrom: s@client.example\r\n\r\n${filler}\r\nEND ${id}\r\n`;
}

async function startServer(dir: string): Promise<{ child: ChildProcess; port: number }> {
  const child = spawn(process.execPath, ['--import', 'tsx', FIXTURE, dir], { stdio: ['ignore', 'pipe', 'inherit'] });
  const line = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout! }).once('line', resolve);
    child.once('exit', (code) => reject(new Error(`server exited with ${code}`)));
  });
  return { child, port: (JSON.parse(line) as { smtp: number }).smtp };
}

it('keeps every message it said 250 to through kill -9, and no half-stored one', async () => {
  const dir = tempDir('postlog-crash-');
  try {
    const setup = await openRuntime(dir.path, { follow: true, config: loadConfig(undefined, { POSTLOG_DOMAINS: DOMAIN }) });
    const admin = commandContext({ kind: 'admin', id: 'test', protocol: 'cli' }, setup.origin);
    await setup.directoryService.addDomain(DOMAIN, admin);
    for (const u of USERS) await setup.directoryService.addUser(u, admin);
    await settled(setup);
    await setup.close();

    const { child, port } = await startServer(dir.path);
    const sent = new Map<string, { rcpt: string; raw: string }>();
    const acked = new Set<string>();
    let stop = false;
    const client = async (c: number) => {
      for (let n = 0; !stop; n++) {
        const id = `c${c}-m${n}`;
        const rcpt = USERS[(c + n) % USERS.length]!;
        const raw = body(id, n);
        try {
          const { dialog } = await Dialog.open(port);
          await dialog.send('EHLO client.example');
          await dialog.send('MAIL FROM:<s@client.example>');
          await dialog.send(`RCPT TO:<${rcpt}>`);
          sent.set(id, { rcpt, raw });
          const reply = await dialog.data(raw);
          if (reply.code === 250) acked.add(id);
          dialog.close();
          if (reply.code === 0) return;
        } catch {
          return;
        }
      }
    };
    const running = Array.from({ length: CLIENTS }, (_, c) => client(c));
    while (acked.size < 150) await new Promise((r) => setTimeout(r, 10));
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGKILL');
    stop = true;
    await Promise.all(running);
    await exited;
    assert.ok(sent.size > acked.size, 'some messages were in flight when the server died');

    const runtime = await openRuntime(dir.path, { config: loadConfig(undefined, { POSTLOG_DOMAINS: DOMAIN }) });
    try {
      const found = new Map<string, number>();
      for (const user of USERS) {
        for (const m of await inboxOf(runtime, user)) {
          const id = /Subject: crash (\S+)/.exec(m.raw)?.[1];
          assert.ok(id, 'every stored message is one we sent');
          found.set(id, (found.get(id) ?? 0) + 1);
          const bytes = await readBlob(runtime, m.blobId);
          assert.equal(bytes.length, m.size, `${id}: blob size`);
          assert.equal(createHash('sha256').update(bytes).digest('hex'), m.blobId, `${id}: blob content`);
          assert.ok(m.raw.endsWith(sent.get(id)!.raw), `${id}: the whole message, as sent`);
          assert.equal(user, sent.get(id)!.rcpt, `${id}: in the right mailbox`);
        }
      }
      for (const id of acked) assert.equal(found.get(id), 1, `${id} got 250: stored once`);
      for (const [id, n] of found) assert.equal(n, 1, `${id} stored once`);
      const extra = [...found.keys()].filter((id) => !acked.has(id)).length;
      console.log(`sent ${sent.size}, acknowledged ${acked.size}, stored ${found.size} (${extra} stored without the 250 reaching the client)`);
    } finally {
      await runtime.close();
    }
  } finally {
    dir.remove();
  }
});
