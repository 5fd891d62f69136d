// kill -9 while the relay is sending: after a restart every queued message reaches the remote
// once, except the one the remote had accepted when we died before recording it, which
// arrives at most twice; its history shows both attempts.
import { it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { openRuntime } from '../../src/frontends/runtime.ts';
import { loadConfig } from '../../src/frontends/config.ts';
import { addTestUser, tempDir } from '../helpers/runtime.ts';
import { startDnsServer } from './dns-server.ts';
import { ALICE, historyOf, queueMessage, zonesFor } from './harness.ts';
import { startRemoteMx } from './remote-mx.ts';

const FIXTURE = fileURLToPath(new URL('./fixtures/relay.ts', import.meta.url));
const MESSAGES = 8;
/** the remote stores this message, then we die before it answers 250 */
const KILL_AT = 3;

async function startRelay(dir: string, relay: object): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', FIXTURE, dir, JSON.stringify(relay)], { stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise<void>((resolve, reject) => {
    createInterface({ input: child.stdout! }).once('line', () => resolve());
    child.once('exit', (code) => reject(new Error(`relay exited with ${code}`)));
  });
  return child;
}

it('delivers every queued message after kill -9 mid-delivery: once, or twice with both attempts in the history', async () => {
  const dir = tempDir('postlog-relay-crash-');
  const dns = await startDnsServer(zonesFor('remote.test'));
  let child: ChildProcess | undefined;
  const remote = await startRemoteMx({
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        remote.messages.push({ from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '', to: session.envelope.rcptTo.map((r) => r.address), raw: Buffer.concat(chunks).toString(), secure: session.secure, connection: 0 });
        if (remote.messages.length === KILL_AT && child) {
          const dying = child;
          dying.once('exit', () => callback(null, 'too late'));
          dying.kill('SIGKILL');
          return;
        }
        callback(null, 'Ok: queued');
      });
    },
  });
  try {
    const config = loadConfig(undefined, { POSTLOG_DOMAINS: 'example.test' });
    const setup = await openRuntime(dir.path, { follow: true, config });
    await addTestUser(setup, ALICE, 'password');
    const ids: string[] = [];
    for (let i = 0; i < MESSAGES; i++) ids.push(await queueMessage(setup, { to: [`r${i}@remote.test`] }));
    await setup.close();

    const relay = { dnsServers: [dns.address], port: remote.port, maxConnectionsPerDestination: 1, commandTimeout: 2, connectTimeout: 2 };
    child = await startRelay(dir.path, relay);
    const first = child;
    await new Promise((resolve) => first.once('exit', resolve));
    assert.equal(remote.messages.length, KILL_AT, 'killed while the third message was being accepted');

    child = await startRelay(dir.path, relay);
    const arrived = () => new Set(remote.messages.map((m) => ids.find((id) => m.raw.includes(id)))).size;
    for (let waited = 0; arrived() < MESSAGES && waited < 15_000; waited += 50) await new Promise((r) => setTimeout(r, 50));
    await new Promise((r) => setTimeout(r, 300)); // let the last result be recorded
    const second = child;
    assert.equal(second.exitCode, null, 'the relay is still running');
    await new Promise((resolve) => {
      second.once('exit', resolve);
      second.kill('SIGTERM');
    });

    const runtime = await openRuntime(dir.path, { config });
    try {
      for (const [i, id] of ids.entries()) {
        const copies = remote.messages.filter((m) => m.raw.includes(id)).length;
        const history = await historyOf(runtime, id);
        const attempts = history.filter((e) => e.type === 'DeliveryAttemptStarted').length;
        const delivered = history.filter((e) => e.type === 'RecipientDelivered').length;
        assert.equal(delivered, 1, `message ${i} is recorded as delivered once`);
        if (i === KILL_AT - 1) {
          assert.equal(copies, 2, 'the message accepted but not recorded arrives a second time');
          assert.equal(attempts, 2, 'and its history shows both attempts');
        } else {
          assert.equal(copies, 1, `message ${i} arrives once`);
          assert.equal(attempts, 1);
        }
      }
      assert.equal(runtime.outbound.active().length, 0, 'the queue is empty');
    } finally {
      await runtime.close();
    }
  } finally {
    child?.kill('SIGKILL');
    await remote.close();
    await dns.close();
    dir.remove();
  }
});
