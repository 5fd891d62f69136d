// Storage engine figures on this machine's disk: raw fsync rate, durable appends with one and
// with many writers (group commit), and a projection rebuild through readAll vs a raw scan.
// Run: npm run bench:store
import { closeSync, fsyncSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import type { DatabaseOptions } from 'lmdb';
import { Packr } from 'msgpackr';
import type { DomainEvent } from '../src/domain/event.ts';
import type { RecordedEvent } from '../src/store/event-store.ts';
import { openLmdbStorage, type LmdbStorage } from '../src/store/lmdb/open.ts';

const SECONDS = 3;
const CONCURRENT_WRITERS = 100;
const REBUILD_EVENTS = 200_000;
const PAGE = 1000;

type Row = { measure: string; value: number; unit: string; note?: string };

/**
 * A UUIDv7 as the domain makes them (time-ordered, so the eventIds index grows at its end),
 * built on randomUUID's batched entropy: the uuid package draws entropy per call and would
 * make the bench measure its id generator instead of the store.
 */
function uuidv7(): string {
  const time = Date.now().toString(16).padStart(12, '0');
  const random = randomUUID();
  return `${time.slice(0, 8)}-${time.slice(8)}-7${random.slice(15)}`;
}

function messageAppended(stream: string, uid: number): DomainEvent {
  return {
    type: 'MessageAppended',
    data: {
      uid,
      modseq: uid,
      emailId: uuidv7(),
      blobId: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
      size: 4096 + uid,
      flags: ['\\Seen'],
      envelope: { subject: `Quarterly report ${uid}`, from: 'alice@example.org', to: ['bob@example.org'], date: '2025-05-19T10:00:00Z' },
    },
    meta: { eventId: uuidv7(), at: '2025-05-19T10:00:00.000Z', origin: 'bench', actor: { kind: 'user', id: stream, protocol: 'smtp' }, schema: 1 },
  };
}

/** Runs `step` back to back for about SECONDS (or `max` times); returns steps per second. */
async function rate(step: (n: number) => Promise<void> | void, max = Number.POSITIVE_INFINITY): Promise<number> {
  const start = performance.now();
  let n = 0;
  while (n < max && performance.now() - start < SECONDS * 1000) await step(n++);
  return n / ((performance.now() - start) / 1000);
}

function rawFsyncRate(dir: string): Promise<number> {
  const fd = openSync(join(dir, 'fsync-probe'), 'w');
  const page = Buffer.alloc(4096, 7);
  return rate((n) => {
    writeSync(fd, page, 0, page.length, (n % 64) * page.length);
    fsyncSync(fd);
  }, 500).finally(() => closeSync(fd));
}

/** Commits LMDB has made so far: its last transaction id. */
function commitCount(storage: LmdbStorage): number {
  return Number(Reflect.get(storage.root.getStats(), 'lastTxnId'));
}

async function concurrentAppendRate(storage: LmdbStorage): Promise<{ perSecond: number; perCommit: number }> {
  const commitsBefore = commitCount(storage);
  const start = performance.now();
  let appended = 0;
  await Promise.all(
    Array.from({ length: CONCURRENT_WRITERS }, async (_, writer) => {
      const stream = `mailbox-concurrent-${writer}`;
      for (let uid = 1; performance.now() - start < SECONDS * 1000; uid++) {
        await storage.events.append(stream, [messageAppended(stream, uid)]);
        appended++;
      }
    }),
  );
  const perSecond = appended / ((performance.now() - start) / 1000);
  return { perSecond, perCommit: appended / (commitCount(storage) - commitsBefore) };
}

async function fillLog(storage: LmdbStorage, count: number): Promise<void> {
  const batch = 1000;
  for (let done = 0; done < count; done += batch) {
    const stream = `mailbox-rebuild-${(done / batch) % 50}`;
    await storage.events.append(stream, Array.from({ length: batch }, (_, i) => messageAppended(stream, done + i)));
  }
}

/** The trivial projection both scans fold: events per stream. */
function evolve(state: Map<string, number>, record: RecordedEvent): Map<string, number> {
  state.set(record.stream, (state.get(record.stream) ?? 0) + 1);
  return state;
}

/** The fastest plain way through the events database: a cursor, unpacking in place. */
function rawScanRate(storage: LmdbStorage): { perSecond: number; count: number } {
  const packr = new Packr({ useRecords: false });
  const unpackInPlace = { encode: (value: unknown) => packr.pack(value), decode: (bytes: Uint8Array, end?: number) => packr.unpack(bytes, end) };
  const options: DatabaseOptions & { encoder: typeof unpackInPlace } = { encoder: unpackInPlace };
  const events = storage.root.openDB<{ stream: string }, number>('events', options);
  const counts = new Map<string, number>();
  const start = performance.now();
  let count = 0;
  for (const { value } of events.getRange({ start: 1 })) {
    counts.set(value.stream, (counts.get(value.stream) ?? 0) + 1);
    count++;
  }
  return { perSecond: count / ((performance.now() - start) / 1000), count };
}

async function readAllRate(storage: LmdbStorage): Promise<{ perSecond: number; count: number }> {
  const start = performance.now();
  let state = new Map<string, number>();
  let count = 0;
  for (let from = 1; ; ) {
    const page = await storage.events.readAll({ from, limit: PAGE });
    if (page.length === 0) break;
    for (const record of page) state = evolve(state, record);
    count += page.length;
    from = page[page.length - 1]!.position + 1;
  }
  return { perSecond: count / ((performance.now() - start) / 1000), count };
}

function printTable(rows: readonly Row[]): void {
  const cells = rows.map((r) => [r.measure, Math.round(r.value).toLocaleString('en-US'), r.unit, r.note ?? '']);
  const header = ['measure', 'value', 'unit', 'note'];
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  const line = (c: string[]) => c.map((cell, i) => (i === 1 ? cell.padStart(widths[i]!) : cell.padEnd(widths[i]!))).join('  ');
  console.log(line(header));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const c of cells) console.log(line(c));
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'postlog-bench-'));
  const storage = await openLmdbStorage(join(dir, 'data'));
  try {
    const fsyncs = await rawFsyncRate(dir);
    const sequential = await rate((uid) => storage.events.append('mailbox-sequential', [messageAppended('mailbox-sequential', uid)]).then(() => {}));
    const concurrent = await concurrentAppendRate(storage);
    await fillLog(storage, REBUILD_EVENTS);
    const raw = rawScanRate(storage);
    const viaReadAll = await readAllRate(storage);
    printTable([
      { measure: '(a) raw fsync, 4 KiB write + fsync', value: fsyncs, unit: 'fsync/s' },
      { measure: '(b) durable appends, 1 writer', value: sequential, unit: 'appends/s', note: `${(sequential / fsyncs).toFixed(2)}x fsync` },
      {
        measure: `(c) durable appends, ${CONCURRENT_WRITERS} writers`,
        value: concurrent.perSecond,
        unit: 'appends/s',
        note: `${(concurrent.perSecond / fsyncs).toFixed(1)}x fsync (target 20x+), ${concurrent.perCommit.toFixed(0)} appends/commit`,
      },
      { measure: `(d) raw scan + unpack, ${raw.count.toLocaleString('en-US')} events`, value: raw.perSecond, unit: 'events/s' },
      {
        measure: `(d) readAll pages of ${PAGE} + evolve`,
        value: viaReadAll.perSecond,
        unit: 'events/s',
        note: `${(viaReadAll.perSecond / raw.perSecond).toFixed(2)}x raw (target 0.3x+, 100k/s+)`,
      },
    ]);
  } finally {
    await storage.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
