import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { EventStore, RecordedEvent } from '../store/event-store.ts';
import { LogSlice } from './log-slice.ts';

/** A log of n events alternating between two streams, one minute apart, positions 10, 20, 30 ... */
function fakeLog(n: number): { store: EventStore; reads: () => number } {
  let reads = 0;
  const events: RecordedEvent[] = Array.from({ length: n }, (_, i) => ({
    stream: i % 2 ? 'odd' : 'even',
    revision: Math.floor(i / 2),
    position: (i + 1) * 10,
    event: { type: 'T', data: {}, meta: { eventId: String(i), at: new Date(Date.UTC(2026, 4, 19) + i * 60_000).toISOString(), origin: 'o', actor: { kind: 'system' }, schema: 1 } },
  }));
  const store = {
    async readAll({ from = 1, limit = Infinity } = {}) {
      const page = events.filter((r) => r.position >= from).slice(0, limit);
      reads += page.length;
      return page;
    },
    async readStream(stream: string) {
      const page = events.filter((r) => r.stream === stream);
      reads += page.length;
      return page;
    },
    async headPosition() {
      return n * 10;
    },
  } as unknown as EventStore;
  return { store, reads: () => reads };
}

async function readEverything(slice: LogSlice): Promise<RecordedEvent[]> {
  const out: RecordedEvent[] = [];
  for (let from = 1; ; ) {
    const page = await slice.readAll({ from, limit: 2000 });
    out.push(...page);
    if (page.length < 2000) return out;
    from = page.at(-1)!.position + 1;
  }
}

test('a slice by time serves full pages until the cut, so a reader does not stop early', async () => {
  const { store } = fakeLog(5000);
  const cut = new Date(Date.UTC(2026, 4, 19) + 4499 * 60_000).toISOString();
  const got = await readEverything(new LogSlice(store, { at: cut }));
  assert.equal(got.length, 4500);
  assert.equal(got.at(-1)!.position, 45000);
});

test('a slice by position stops reading at the cut; a slice of some streams reads only those', async () => {
  const { store, reads } = fakeLog(5000);
  assert.equal((await readEverything(new LogSlice(store, { position: 12340 }))).length, 1234);
  assert.ok(reads() <= 2000 + 1234 + 2000);
  const even = new LogSlice(store, { position: 100 }, ['even']);
  assert.deepEqual((await readEverything(even)).map((r) => r.position), [10, 30, 50, 70, 90]);
  assert.equal(await even.headPosition(), 90);
  await assert.rejects(even.append('even', []), /read-only/);
});
