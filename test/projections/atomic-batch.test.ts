// A batch the runner applies is one transaction for every read model and their checkpoints: when
// one read model stops at an event, none keeps a part of the batch. Otherwise what the others
// wrote would be applied a second time when the runner goes on from their checkpoints, and a
// mailbox's counters, say, would count a message twice.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ProjectionRunner, ProjectionStopped } from '../../src/projections/runner.ts';
import { projectionDb, type Projection } from '../../src/projections/projection.ts';
import { anEvent } from '../store/contract.ts';
import { openTempStorage } from '../store/temp-storage.ts';

const KNOWN = new Map([['ThingHappened', 1]]);

/** Counts the events it is given: applied twice, the count is wrong. */
const counter: Projection = {
  name: 'counter',
  version: 1,
  evolve(kv) {
    kv.put(['count'], (kv.get<number>(['count']) ?? 0) + 1);
  },
};

function picky(refuse: number | undefined): Projection {
  return {
    name: 'picky',
    version: 1,
    evolve(kv, recorded) {
      if ((recorded.event.data as { n: number }).n === refuse) throw new Error(`event ${refuse} refused`);
      kv.put(['last'], recorded.position);
    },
  };
}

describe('projection runner batches', () => {
  it('keeps nothing of a batch one read model stopped in, and applies it once when it goes on', async () => {
    const { storage, close } = await openTempStorage();
    try {
      await storage.events.append('s', [0, 1, 2, 3].map((n) => anEvent({ n })));
      const count = () => projectionDb(storage.root, counter).get(['count'] as never) as number | undefined;

      const stopping = new ProjectionRunner(storage.root, storage.events, [counter, picky(2)], { knownTypes: KNOWN });
      await assert.rejects(stopping.catchUp(), (error: unknown) => error instanceof ProjectionStopped && /event 2 refused/.test(error.message));
      assert.equal(count(), undefined, 'the counter kept part of the batch');
      assert.equal(new ProjectionRunner(storage.root, storage.events, [counter, picky(2)], { knownTypes: KNOWN }).position, 0);

      const fixed = new ProjectionRunner(storage.root, storage.events, [counter, picky(undefined)], { knownTypes: KNOWN });
      await fixed.catchUp();
      assert.equal(count(), 4);
      assert.equal(fixed.position, 4);
    } finally {
      await close();
    }
  });
});
