// The incremental projections equal a full rebuild, for random histories.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { dumpProjections, userContext, withTempRuntime } from '../helpers/runtime.ts';
import { DomainError } from '../../src/domain/decider.ts';
import { newMessage } from '../../src/domain/mailbox/fixtures.ts';
import type { Runtime } from '../../src/frontends/runtime.ts';

const names = fc.constantFrom('Work', 'Project Notes 2010', 'Été/Notes', 'Work/Q1', 'Lists/ietf', 'a "quoted" one');
const flags = fc.subarray(['\\Seen', '\\Flagged', '\\Deleted', '\\Answered', '$Junk', 'todo']);
const pick = fc.nat(50);

const step = fc.oneof(
  { arbitrary: fc.record({ op: fc.constant('create' as const), name: names }), weight: 2 },
  { arbitrary: fc.record({ op: fc.constant('rename' as const), from: names, to: names }), weight: 1 },
  { arbitrary: fc.record({ op: fc.constant('delete' as const), name: names }), weight: 1 },
  { arbitrary: fc.record({ op: fc.constant('subscribe' as const), name: names, on: fc.boolean() }), weight: 1 },
  { arbitrary: fc.record({ op: fc.constant('append' as const), box: pick, count: fc.integer({ min: 1, max: 3 }), flags }), weight: 5 },
  { arbitrary: fc.record({ op: fc.constant('store' as const), box: pick, uid: pick, mode: fc.constantFrom('add' as const, 'remove' as const, 'replace' as const), flags }), weight: 4 },
  { arbitrary: fc.record({ op: fc.constant('expunge' as const), box: pick, uid: pick }), weight: 2 },
  { arbitrary: fc.record({ op: fc.constant('move' as const), box: pick, to: pick, uid: pick, copy: fc.boolean() }), weight: 2 },
);

type Step = typeof step extends fc.Arbitrary<infer T> ? T : never;

async function run(runtime: Runtime, accountId: string, s: Step): Promise<unknown> {
  const ctx = userContext(runtime);
  const boxes = await runtime.mail.mailboxes(accountId);
  const box = (i: number) => boxes[i % boxes.length]!.mailboxId;
  const uidIn = async (mailboxId: string, i: number) => {
    const uids = await runtime.mail.uids(mailboxId);
    return uids.length ? uids[i % uids.length]! : 1;
  };
  switch (s.op) {
    case 'create': return runtime.mail.createMailbox(accountId, s.name, ctx);
    case 'rename': return runtime.mail.renameMailbox(accountId, s.from, s.to, ctx);
    case 'delete': return runtime.mail.deleteMailbox(accountId, s.name, ctx);
    case 'subscribe': return runtime.mail.subscribe(accountId, s.name, s.on, ctx);
    case 'append': return runtime.mail.append(box(s.box), Array.from({ length: s.count }, () => newMessage({ flags: s.flags })), ctx);
    case 'store': { const m = box(s.box); return runtime.mail.store(m, [await uidIn(m, s.uid)], s.mode, s.flags, ctx); }
    case 'expunge': { const m = box(s.box); return runtime.mail.expunge(m, [await uidIn(m, s.uid)], 'expunge', ctx); }
    case 'move': {
      const from = box(s.box);
      const to = box(s.to);
      const uid = await uidIn(from, s.uid);
      return s.copy ? runtime.mail.copy(from, [uid], to, ctx) : runtime.mail.move(from, [uid], to, ctx);
    }
  }
}

describe('projection rebuild', () => {
  it('a full rebuild gives exactly the incrementally built read models', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 5, maxLength: 40 }), async (steps) => {
        await withTempRuntime(async (runtime) => {
          const accountId = await runtime.mail.createAccount('prop@example.test', userContext(runtime));
          // Some steps run concurrently, the way sessions do.
          for (let i = 0; i < steps.length; i += 3) {
            const results = await Promise.allSettled(steps.slice(i, i + 3).map((s) => run(runtime, accountId, s)));
            for (const r of results) if (r.status === 'rejected' && !(r.reason instanceof DomainError)) throw r.reason;
          }
          await runtime.runner.settle(await runtime.storage.events.headPosition());
          const incremental = dumpProjections(runtime);
          await runtime.runner.stop();
          await runtime.runner.rebuild();
          assert.deepEqual(dumpProjections(runtime), incremental);
          // The views agree with the write side, too.
          for (const m of await runtime.mail.mailboxes(accountId)) {
            assert.deepEqual(runtime.mailboxes.uids(m.mailboxId), await runtime.mail.uids(m.mailboxId), m.name);
          }
        });
      }),
      { numRuns: 12 },
    );
  });
});
