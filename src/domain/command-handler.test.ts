import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { WrongExpectedVersion, type EventStore } from '../store/event-store.ts';
import { openTempStorage } from '../../test/store/temp-storage.ts';
import { CommandHandler } from './command-handler.ts';
import type { Decider } from './decider.ts';
import type { CommandContext, DomainEvent } from './event.ts';

type Counted = DomainEvent<'Counted', { n: number }>;
const counter: Decider<{ add: number }, number, Counted> = {
  initialState: () => 0,
  evolve: (state, event) => state + event.data.n,
  decide: (command, _state, ctx) => [{ type: 'Counted', data: { n: command.add }, meta: { eventId: ctx.newId(), at: ctx.now, origin: 'test', actor: { kind: 'system' }, schema: 1 } }],
};
const ctx = { newId: randomUUID, now: '2026-01-01T00:00:00.000Z', origin: 'test', actor: { kind: 'system' } } as unknown as CommandContext;

/** The store, but its appends meet another writer and its decided appends fail as told. */
function contended(store: EventStore, decidedFails: boolean): EventStore {
  return {
    readStream: (stream, options) => store.readStream(stream, options),
    readAll: (options) => store.readAll(options),
    subscribe: (options) => store.subscribe(options),
    streamRevision: (stream) => store.streamRevision(stream),
    headPosition: () => store.headPosition(),
    close: () => store.close(),
    append: async (stream) => {
      throw new WrongExpectedVersion(stream, 0, 1);
    },
    appendDecided: decidedFails
      ? async () => {
          throw new Error('the disk went away');
        }
      : (stream, revision, decide) => store.appendDecided!(stream, revision, decide),
  };
}

describe('command handler, reading the decided state', () => {
  it("hands back what `read` took with the command's own append, while the stream's next append is still on its way", async () => {
    const { storage, close } = await openTempStorage();
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    let appends = 0;
    const store: EventStore = {
      ...contended(storage.events, false),
      append: async (stream, events, options) => {
        if (++appends === 2) await released;
        return storage.events.append(stream, events, options);
      },
    };
    try {
      const handler = new CommandHandler(store);
      const first = handler.handle('count', counter, { add: 1 }, ctx, { read: (n) => n });
      await new Promise((resolve) => setImmediate(resolve));
      // Queued once the first is being written: a batch of its own, whose append is held.
      const second = handler.handle('count', counter, { add: 2 }, ctx, { read: (n) => n });
      const done = await first;
      assert.equal(done.read, 0, 'the state the first command was decided against');
      let secondSettled = false;
      void second.then(() => (secondSettled = true));
      await new Promise((resolve) => setImmediate(resolve));
      assert.equal(secondSettled, false);
      release();
      assert.equal((await second).read, 1);
    } finally {
      release();
      await close();
    }
  });
});

describe('command handler, after a conflict', () => {
  it('decides inside the store write, after what the other writer appended', async () => {
    const { storage, close } = await openTempStorage();
    try {
      await new CommandHandler(storage.events).handle('count', counter, { add: 5 }, ctx);
      const handled = await new CommandHandler(contended(storage.events, false)).handle('count', counter, { add: 2 }, ctx);
      assert.equal(handled.events.length, 1);
      assert.deepEqual((await storage.events.readStream('count')).map((r) => (r.event.data as { n: number }).n), [5, 2]);
    } finally {
      await close();
    }
  });

  it('rejects every waiting command when the store fails before it decides', async () => {
    const { storage, close } = await openTempStorage();
    try {
      const handler = new CommandHandler(contended(storage.events, true));
      const results = await Promise.allSettled([1, 2].map((add) => handler.handle('count', counter, { add }, ctx)));
      assert.deepEqual(results.map((r) => r.status === 'rejected' && (r.reason as Error).message), ['the disk went away', 'the disk went away']);
    } finally {
      await close();
    }
  });
});
