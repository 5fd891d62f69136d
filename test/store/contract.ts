// What every EventStore must do, whatever engine is behind it. Each implementation's test
// file calls eventStoreContract with a factory that opens a fresh, empty store.
import { describe, it, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { DomainEvent } from '../../src/domain/event.ts';
import {
  WrongExpectedVersion,
  type EventStore,
  type ExpectedRevision,
  type RecordedEvent,
} from '../../src/store/event-store.ts';

export type OpenStore = () => Promise<{ store: EventStore; close(): Promise<void> }>;

export function anEvent(data: unknown = { n: 1 }, type = 'ThingHappened'): DomainEvent {
  return {
    type,
    data,
    meta: { eventId: randomUUID(), at: '2025-05-19T10:00:00.000Z', origin: 'test', actor: { kind: 'system' }, schema: 1 },
  };
}

export function events(count: number): DomainEvent[] {
  return Array.from({ length: count }, (_, n) => anEvent({ n }));
}

const ids = (records: readonly RecordedEvent[]): string[] => records.map((r) => r.event.meta.eventId);
const positions = (records: readonly RecordedEvent[]): number[] => records.map((r) => r.position);

function assertStrictlyIncreasing(values: readonly number[]): void {
  for (let i = 1; i < values.length; i++) {
    assert.ok(values[i - 1]! < values[i]!, `not strictly increasing at ${i}: ${values[i - 1]} then ${values[i]}`);
  }
}

async function rejectsWithWrongVersion(
  append: Promise<unknown>,
  stream: string,
  expected: ExpectedRevision,
  actual: number,
): Promise<void> {
  await assert.rejects(append, (error: unknown) => {
    assert.ok(error instanceof WrongExpectedVersion, `expected WrongExpectedVersion, got ${String(error)}`);
    assert.equal(error.type, 'WrongExpectedVersion');
    assert.equal(error.stream, stream);
    assert.equal(error.expected, expected);
    assert.equal(error.actual, actual);
    return true;
  });
}

export function eventStoreContract(name: string, open: OpenStore): void {
  describe(`EventStore contract: ${name}`, () => {
    let store: EventStore;
    let close: () => Promise<void>;

    beforeEach(async () => {
      ({ store, close } = await open());
    });
    afterEach(async () => {
      await close();
    });

    describe('append', () => {
      it('numbers revisions from 0 and positions strictly increasing', async () => {
        assert.equal(await store.headPosition(), 0);
        assert.equal(await store.streamRevision('mailbox-1'), -1);
        const first = await store.append('mailbox-1', events(2));
        assert.equal(first.revision, 1);
        assert.ok(first.position > 0);
        const second = await store.append('mailbox-1', events(1));
        assert.equal(second.revision, 2);
        assert.ok(second.position > first.position);
        const other = await store.append('account-1', events(1));
        assert.equal(other.revision, 0);
        assert.equal(await store.streamRevision('mailbox-1'), 2);
        assert.equal(await store.headPosition(), other.position);
      });

      it('gives back each event as it was appended', async () => {
        const event = anEvent({ subject: 'Grüße ✉', uids: [1, 2, 3], flags: { seen: true, draft: false }, none: null });
        await store.append('mailbox-1', [event]);
        const [recorded] = await store.readStream('mailbox-1');
        assert.deepEqual(recorded?.event, event);
        assert.equal(recorded?.stream, 'mailbox-1');
        assert.equal(recorded?.revision, 0);
      });

      it("'no-stream' accepts only a stream that does not exist yet", async () => {
        await store.append('s', events(1), { expectedRevision: 'no-stream' });
        await rejectsWithWrongVersion(store.append('s', events(1), { expectedRevision: 'no-stream' }), 's', 'no-stream', 0);
      });

      it("'exists' accepts only a stream that has events", async () => {
        await rejectsWithWrongVersion(store.append('s', events(1), { expectedRevision: 'exists' }), 's', 'exists', -1);
        await store.append('s', events(1));
        const result = await store.append('s', events(1), { expectedRevision: 'exists' });
        assert.equal(result.revision, 1);
      });

      it('a revision accepts only a stream whose last event has exactly that revision', async () => {
        await rejectsWithWrongVersion(store.append('s', events(1), { expectedRevision: 0 }), 's', 0, -1);
        await store.append('s', events(2));
        await rejectsWithWrongVersion(store.append('s', events(1), { expectedRevision: 0 }), 's', 0, 1);
        await rejectsWithWrongVersion(store.append('s', events(1), { expectedRevision: 2 }), 's', 2, 1);
        const result = await store.append('s', events(1), { expectedRevision: 1 });
        assert.equal(result.revision, 2);
      });

      it("'any', or no expectation, always appends", async () => {
        await store.append('s', events(1), { expectedRevision: 'any' });
        const result = await store.append('s', events(1));
        assert.equal(result.revision, 1);
      });

      it('stores nothing of a batch refused for its expected revision', async () => {
        await store.append('s', events(1));
        const head = await store.headPosition();
        await assert.rejects(store.append('s', events(3), { expectedRevision: 'no-stream' }), WrongExpectedVersion);
        assert.equal(await store.headPosition(), head);
        assert.equal((await store.readStream('s')).length, 1);
      });

      it('refuses events that are not plain data, storing nothing', async () => {
        const notPlain: unknown[] = [
          new Date(),
          new Map([['a', 1]]),
          new Set([1]),
          10n,
          Buffer.from('x'),
          new Uint8Array(2),
          () => 1,
          [1, undefined],
          Number.NaN,
        ];
        for (const value of notPlain) {
          await assert.rejects(store.append('s', [anEvent({ nested: { value } })]), TypeError, `accepted ${String(value)}`);
        }
        // The refusal names where the value sits.
        await assert.rejects(store.append('s', [anEvent({ nested: { list: [1, new Date()] } })]), /data\.nested\.list\[1\] must be plain data/);
        await assert.rejects(store.append('s', [anEvent(), { ...anEvent(), type: '' }]), TypeError);
        await assert.rejects(store.append('', events(1)), TypeError);
        assert.equal(await store.headPosition(), 0);
      });

      it('drops undefined properties, as JSON does', async () => {
        await store.append('s', [anEvent({ kept: 1, dropped: undefined })]);
        const [recorded] = await store.readStream('s');
        assert.deepEqual(recorded?.event.data, { kept: 1 });
      });
    });

    describe('idempotence', () => {
      it('answers a re-appended batch with the original result and stores it once', async () => {
        const batch = events(3);
        const original = await store.append('s', batch, { expectedRevision: 'no-stream' });
        await store.append('other', events(1));
        const before = await store.readAll();
        // The retry carries the expectation of the first try, which no longer holds.
        const retried = await store.append('s', batch, { expectedRevision: 'no-stream' });
        assert.deepEqual(retried, original);
        assert.deepEqual(await store.readAll(), before);
        assert.equal(await store.streamRevision('s'), 2);
      });

      it('refuses a batch of which only some events are stored, storing nothing', async () => {
        const batch = events(2);
        await store.append('s', batch);
        const head = await store.headPosition();
        await assert.rejects(store.append('s', [batch[1]!, anEvent()]));
        assert.equal(await store.headPosition(), head);
      });

      it('answers concurrent retries of one batch with one result', async () => {
        const batch = events(2);
        const results = await Promise.all(Array.from({ length: 5 }, () => store.append('s', batch)));
        for (const result of results) assert.deepEqual(result, results[0]);
        assert.equal((await store.readAll()).length, 2);
      });
    });

    describe('reading', () => {
      it('readAll returns every event in position order, from inclusive, at most limit', async () => {
        for (let i = 0; i < 5; i++) await store.append(`s${i % 2}`, events(2));
        const all = await store.readAll();
        assert.equal(all.length, 10);
        assertStrictlyIncreasing(positions(all));
        const fourth = all[3]!.position;
        assert.deepEqual(ids(await store.readAll({ from: fourth, limit: 3 })), ids(all.slice(3, 6)));
        assert.deepEqual(ids(await store.readAll({ from: fourth })), ids(all.slice(3)));
        assert.deepEqual(await store.readAll({ from: all[9]!.position + 1 }), []);
        assert.deepEqual(await store.readAll({ limit: 0 }), []);
      });

      it('readStream reads forwards and backwards from a revision, at most limit', async () => {
        const batch = events(5);
        await store.append('s', batch.slice(0, 2));
        await store.append('noise', events(2));
        await store.append('s', batch.slice(2));
        const forwards = await store.readStream('s');
        assert.deepEqual(ids(forwards), batch.map((event) => event.meta.eventId));
        assert.deepEqual(forwards.map((r) => r.revision), [0, 1, 2, 3, 4]);
        assertStrictlyIncreasing(positions(forwards));
        assert.deepEqual((await store.readStream('s', { from: 2, limit: 2 })).map((r) => r.revision), [2, 3]);
        assert.deepEqual((await store.readStream('s', { direction: 'backwards' })).map((r) => r.revision), [4, 3, 2, 1, 0]);
        assert.deepEqual(
          (await store.readStream('s', { direction: 'backwards', from: 3, limit: 2 })).map((r) => r.revision),
          [3, 2],
        );
        assert.deepEqual(await store.readStream('missing'), []);
      });
    });

    describe('subscribe', () => {
      it('catches up from a position, then follows live appends with no gap and no repeat', async () => {
        await store.append('before', events(40));
        const from = (await store.readAll())[19]!.position;
        const writers = 20;
        const appendsEach = 10;
        const expected = 40 - 19 + writers * appendsEach;

        const subscription = store.subscribe({ from });
        const seen: RecordedEvent[] = [];
        const consumed = (async () => {
          for await (const record of subscription) {
            seen.push(record);
            if (seen.length === expected) subscription.close();
          }
        })();
        await Promise.all(
          Array.from({ length: writers }, async (_, w) => {
            for (let i = 0; i < appendsEach; i++) await store.append(`writer-${w}`, [anEvent({ w, i })]);
          }),
        );
        await withTimeout(consumed, 10_000, () => `subscriber saw ${seen.length} of ${expected}`);

        assert.equal(seen[0]!.position, from);
        assertStrictlyIncreasing(positions(seen));
        assert.deepEqual(ids(seen), ids(await store.readAll({ from })));
      });

      it('ends iteration on close while waiting for appends', async () => {
        await store.append('s', events(2));
        const subscription = store.subscribe();
        const seen: RecordedEvent[] = [];
        const consumed = (async () => {
          for await (const record of subscription) seen.push(record);
        })();
        while (seen.length < 2) await new Promise((resolve) => setTimeout(resolve, 5));
        subscription.close();
        await withTimeout(consumed, 2_000, () => 'iteration did not end after close()');
        assert.equal(seen.length, 2);
      });
    });

    describe('concurrency', () => {
      it('lets exactly one of concurrent appends with the same expected revision win', async () => {
        const rounds = 10;
        const contenders = 8;
        await store.append('mailbox-1', events(1));
        for (let round = 0; round < rounds; round++) {
          const expectedRevision = round;
          const outcomes = await Promise.allSettled(
            Array.from({ length: contenders }, () => store.append('mailbox-1', events(1), { expectedRevision })),
          );
          const won = outcomes.filter((o) => o.status === 'fulfilled');
          assert.equal(won.length, 1, `round ${round}: ${won.length} winners`);
          for (const outcome of outcomes) {
            if (outcome.status === 'rejected') {
              assert.ok(outcome.reason instanceof WrongExpectedVersion);
              assert.equal(outcome.reason.actual, round + 1);
            }
          }
        }
        assert.equal(await store.streamRevision('mailbox-1'), rounds);
      });
    });
  });
}

async function withTimeout(work: Promise<unknown>, ms: number, explain: () => string): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out: ${explain()}`)), ms);
  });
  try {
    await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
