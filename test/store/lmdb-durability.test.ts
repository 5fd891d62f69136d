// What the LMDB engine promises beyond the contract: appends survive kill -9, a failed
// commit leaves nothing half-written, corrupt records are named, and a newer data directory
// is refused.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { open } from 'lmdb';
import { Packr } from 'msgpackr';
import { CorruptRecord, IncompatibleSchema } from '../../src/store/event-store.ts';
import { openLmdbStorage, STORAGE_SCHEMA } from '../../src/store/lmdb/open.ts';
import { events } from './contract.ts';
import { openTempStorage, tempDir } from './temp-storage.ts';

const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));
const tsxNode = [...process.execArgv.filter((arg) => !arg.startsWith('--test')), '--import', 'tsx'];

/**
 * Runs append-child.ts on `dir` and kills it -9 once it has reported `count` resolved
 * appends, while more are in flight; returns every event id it reported.
 */
async function appendInChildUntilKilled(dir: string, count: number): Promise<string[]> {
  const child = spawn(process.execPath, [...tsxNode, fixture('append-child.ts'), dir], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise((resolve) => child.on('exit', resolve));
  const reported: string[] = [];
  for await (const line of createInterface({ input: child.stdout })) {
    reported.push(line);
    if (reported.length === count) child.kill('SIGKILL');
  }
  await exited;
  assert.ok(reported.length >= count, `the child reported only ${reported.length} appends`);
  return reported;
}

describe('lmdb storage durability', () => {
  it('keeps every append that resolved before kill -9, and every record decodes', async () => {
    const { dir, remove } = tempDir();
    try {
      const reported = await appendInChildUntilKilled(dir, 400);

      const storage = await openLmdbStorage(dir);
      try {
        const stored = await storage.events.readAll();
        const storedIds = new Set(stored.map((r) => r.event.meta.eventId));
        const lost = reported.filter((id) => !storedIds.has(id));
        assert.deepEqual(lost, [], `${lost.length} resolved appends were lost`);
        for (let writer = 0; writer < 8; writer++) {
          const stream = await storage.events.readStream(`mailbox-${writer}`);
          assert.deepEqual(stream.map((r) => r.revision), stream.map((_, i) => i));
        }
      } finally {
        await storage.close();
      }
    } finally {
      remove();
    }
  });

  // prlimit (util-linux) sets RLIMIT_FSIZE on the child: its writes fail past that size.
  const noPrlimit = spawnSync('prlimit', ['--version']).error !== undefined;
  it('stores nothing of a batch whose commit fails (disk full), and still reads', { skip: noPrlimit && 'needs prlimit' }, async () => {
    const { dir, remove } = tempDir();
    try {
      // 1.5 MB of file: enough for the empty store and the first append, not for the 4 MB batch.
      const child = spawn('prlimit', [`--fsize=${1_500_000}`, process.execPath, ...tsxNode, fixture('full-disk-child.ts'), dir], {
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let output = '';
      child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
      const code = await new Promise((resolve) => child.on('exit', resolve));
      assert.equal(code, 0, `child exited with ${String(code)}: ${output}`);
      const report = JSON.parse(output);
      assert.equal(report.failure?.type, 'CommitFailed', JSON.stringify(report.failure));
      assert.deepEqual(report.readAll, report.beforeIds);
      assert.deepEqual(report.readStream, report.beforeIds);
      assert.equal(report.revision, 1);

      const storage = await openLmdbStorage(dir);
      try {
        const ids = (await storage.events.readAll()).map((r) => r.event.meta.eventId);
        assert.deepEqual(ids, report.beforeIds);
        const next = await storage.events.append('mailbox-1', events(1), { expectedRevision: 1 });
        assert.equal(next.revision, 2);
      } finally {
        await storage.close();
      }
    } finally {
      remove();
    }
  });

  it('delivers to a subscriber the appends another process makes', async () => {
    const { dir, storage, close } = await openTempStorage();
    try {
      const subscription = storage.events.subscribe();
      const seen = new Set<string>();
      const following = (async () => {
        for await (const record of subscription) seen.add(record.event.meta.eventId);
      })();
      const reported = await appendInChildUntilKilled(dir, 50);
      const deadline = Date.now() + 3000;
      while (reported.some((id) => !seen.has(id)) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      subscription.close();
      await following;
      assert.deepEqual(reported.filter((id) => !seen.has(id)), []);
    } finally {
      await close();
    }
  });

  it("delivers this process's appends, taken from memory, and another process's, read back, each once and in log order", async () => {
    const { dir, storage, close } = await openTempStorage();
    try {
      // Appends whose read models took them in their own commit are kept for subscribers.
      let inline = 0;
      storage.events.applyInline((records) => void (inline += records.length));
      const subscription = storage.events.subscribe();
      const seen: { position: number; eventId: string; stream: string; revision: number }[] = [];
      const following = (async () => {
        for await (const r of subscription) seen.push({ position: r.position, eventId: r.event.meta.eventId, stream: r.stream, revision: r.revision });
      })();
      // This process appends for as long as the other one does, so their events interleave.
      let appended = 0;
      let childDone = false;
      const local = (async () => {
        for (let i = 0; !childDone; i++) {
          await storage.events.append('local', events(1 + (i % 3)));
          appended += 1 + (i % 3);
        }
      })();
      const reported = await appendInChildUntilKilled(dir, 200).finally(() => (childDone = true));
      await local;
      const stored = await storage.events.readAll();
      // Nothing either process wrote was lost or written over.
      const storedIds = new Set(stored.map((r) => r.event.meta.eventId));
      assert.deepEqual(reported.filter((id) => !storedIds.has(id)), []);
      assert.equal(stored.filter((r) => r.stream === 'local').length, appended);
      const deadline = Date.now() + 3000;
      while (seen.length < stored.length && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      subscription.close();
      await following;
      assert.equal(inline, appended);
      const streams = stored.map((r) => (r.stream === 'local' ? 'L' : 'C')).join('');
      assert.ok((streams.match(/LC|CL/g)?.length ?? 0) > 10, "the two processes' appends interleave");
      assert.deepEqual(seen, stored.map((r) => ({ position: r.position, eventId: r.event.meta.eventId, stream: r.stream, revision: r.revision })));
    } finally {
      await close();
    }
  });

  it('shares one commit among many appends in flight (group commit)', async () => {
    const { storage, close } = await openTempStorage();
    try {
      await storage.events.append('warm-up', events(1));
      const before = lastTxnId(storage.root.getStats());
      await Promise.all(Array.from({ length: 100 }, (_, i) => storage.events.append(`mailbox-${i}`, events(1))));
      const commits = lastTxnId(storage.root.getStats()) - before;
      assert.ok(commits <= 10, `100 concurrent appends took ${commits} transactions`);
    } finally {
      await close();
    }
  });
});

describe('lmdb storage integrity', () => {
  it('refuses a data directory with a newer storage schema, naming both versions', async () => {
    const { dir, storage, close } = await openTempStorage();
    await storage.close();
    const newer = STORAGE_SCHEMA + 1;
    const root = open(`${dir}/postlog.mdb`, { maxDbs: 100 });
    await root.openDB('meta', {}).put('storageSchema', newer);
    await root.close();
    await assert.rejects(openLmdbStorage(dir), (error: unknown) => {
      assert.ok(error instanceof IncompatibleSchema);
      assert.equal(error.found, newer);
      assert.equal(error.supported, STORAGE_SCHEMA);
      assert.match(error.message, new RegExp(`schema ${newer}.*up to ${STORAGE_SCHEMA}`));
      return true;
    });
    await close().catch(() => undefined);
  });

  it('names the position of a corrupt record instead of skipping it', async () => {
    const { storage, close } = await openTempStorage();
    try {
      await storage.events.append('mailbox-1', events(5));
      const log = storage.root.openDB<Buffer, number>('events', { encoding: 'binary' });
      await log.put(3, Buffer.from([0xc1, 0xde, 0xad, 0xbe, 0xef]));
      await assertCorruptAt(storage.events.readAll(), 3);
      await assertCorruptAt(storage.events.readStream('mailbox-1'), 3);
      // Decodable, but not a record.
      await log.put(4, new Packr({ useRecords: false }).pack({ stream: 'mailbox-1' }));
      await assertCorruptAt(storage.events.readAll({ from: 4 }), 4);
      assert.equal((await storage.events.readAll({ limit: 2 })).length, 2);
    } finally {
      await close();
    }
  });
});

async function assertCorruptAt(read: Promise<unknown>, position: number): Promise<void> {
  await assert.rejects(read, (error: unknown) => {
    assert.ok(error instanceof CorruptRecord, String(error));
    assert.equal(error.position, position);
    assert.match(error.message, new RegExp(`position ${position}\\b`));
    return true;
  });
}

function lastTxnId(stats: object): number {
  const id: unknown = Reflect.get(stats, 'lastTxnId');
  assert.equal(typeof id, 'number');
  return Number(id);
}
