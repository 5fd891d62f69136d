// Property tests of the mailbox merge (issue 7, must-show 2): random histories forked at a random
// point; the merge is idempotent, symmetric in the resulting state, loses nothing, duplicates
// nothing, resurrects nothing, and never gives a UID below one already given.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { mailboxDecider, type MailboxState } from '../../src/domain/mailbox/decider.ts';
import type { MailboxEvent } from '../../src/domain/mailbox/events.ts';
import type { CommandContext, DomainEvent } from '../../src/domain/event.ts';
import { deliveryEmailId } from '../../src/domain/mailbox/email-id.ts';
import { decideMailboxMerge } from '../../src/domain/merge/mailbox-merge.ts';
import { sameMessage, SideBuilder, type MailboxSide } from '../../src/domain/merge/placements.ts';
import { forkPoint, planStream } from '../../src/domain/merge/plan.ts';
import type { MessageSummary } from '../../src/domain/message/summary.ts';

type Op =
  /** `derived`: the emailId SMTP delivery gives today; else a random one, as stores delivered before */
  | { kind: 'deliver'; tx: number; flags: string[]; derived: boolean; rcptTo: string }
  | { kind: 'store'; pick: number; mode: 'add' | 'remove'; flag: string }
  | { kind: 'expunge'; pick: number };

const FLAGS = ['\\Seen', '\\Flagged', '\\Answered', 'work'];
const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({
    kind: fc.constant('deliver' as const),
    tx: fc.nat(12),
    flags: fc.subarray(FLAGS),
    derived: fc.boolean(),
    // one account's two addresses: one store may know an alias the other does not
    rcptTo: fc.constantFrom('b@y', 'alias@y'),
  }),
  fc.record({ kind: fc.constant('store' as const), pick: fc.nat(), mode: fc.constantFrom('add' as const, 'remove' as const), flag: fc.constantFrom(...FLAGS) }),
  fc.record({ kind: fc.constant('expunge' as const), pick: fc.nat() }),
);

const MAILBOX = 'mbx';
const summary = {} as MessageSummary;

/** A store's clock and ids: times interleave between the two stores, ids never collide. */
class Store {
  private n = 0;
  constructor(readonly origin: string, private minute: number) {}
  ctx(): CommandContext {
    this.minute += 1 + (this.n % 3);
    const now = new Date(Date.UTC(2026, 4, 1) + this.minute * 60_000).toISOString();
    return { now, origin: this.origin, actor: { kind: 'user', protocol: 'test' }, newId: () => `${now}-${this.origin}-${String(this.n++).padStart(6, '0')}` };
  }
}

function run(history: MailboxEvent[], ops: readonly Op[], store: Store): MailboxEvent[] {
  const events = [...history];
  let state: MailboxState = mailboxDecider.initialState();
  for (const e of events) state = mailboxDecider.evolve(state, e);
  const decide = (command: Parameters<typeof mailboxDecider.decide>[0]) => {
    for (const e of mailboxDecider.decide(command, state, store.ctx())) {
      events.push(e);
      state = mailboxDecider.evolve(state, e);
    }
  };
  if (!state.initialized) decide({ type: 'initialize', mailboxId: MAILBOX, accountId: 'acc', uidValidity: 7 });
  for (const o of ops) {
    const uids = [...state.messages.keys()];
    const uid = uids[o.kind === 'deliver' ? 0 : o.pick % Math.max(1, uids.length)];
    if (o.kind === 'deliver') {
      const source = { kind: 'delivery' as const, mailFrom: 'a@x', rcptTo: o.rcptTo, clientAddress: 'local', transactionId: `tx${o.tx}`, contentHash: `sha${o.tx}` };
      const message = { blobId: `blob${o.tx}-${store.origin}`, size: 1, internalDate: store.ctx().now, flags: o.flags, summary, source };
      decide({ type: 'append', mailboxId: MAILBOX, messages: [{ ...message, ...(o.derived && { emailId: deliveryEmailId('acc', source, message.blobId) }) }] });
    } else if (uid !== undefined && o.kind === 'store') decide({ type: 'store', mailboxId: MAILBOX, uids: [uid], mode: o.mode, flags: [o.flag] });
    else if (uid !== undefined && o.kind === 'expunge') decide({ type: 'expunge', mailboxId: MAILBOX, uids: [uid], reason: 'expunge' });
  }
  return events;
}

const sideOf = (events: readonly MailboxEvent[]): MailboxSide => {
  const builder = new SideBuilder();
  for (const e of events) builder.add(e);
  return builder.side;
};

/** How often the generated histories reach each rule, so the properties are not vacuous. */
const reached = { added: 0, duplicates: 0, renumbered: 0, flagChanges: 0, expunged: 0 };

const STREAM = `mailbox-${MAILBOX}`;
const dataOf = (events: readonly DomainEvent[]) => events.map(({ type, data }) => ({ type, data }));

/**
 * Merges `theirs` into `ours` the way the store does (planStream: the shared history folded once,
 * only messages either store touched after it weighed): our history plus the planned events.
 */
function merge(ours: MailboxEvent[], theirs: MailboxEvent[], store: Store): MailboxEvent[] {
  const plan = planStream(STREAM, ours, theirs, store.ctx());
  for (const k of Object.keys(reached) as (keyof typeof reached)[]) if (plan.mailbox?.[k]) reached[k]++;
  const fork = forkPoint(ours, theirs);
  if (fork < ours.length && fork < theirs.length) {
    // Weighing every message, from both whole histories, decides the very same events.
    assert.deepEqual(dataOf(plan.events), dataOf(decideMailboxMerge(sideOf(ours), sideOf(theirs), store.ctx()).events));
  }
  return [...ours, ...(plan.events as MailboxEvent[])];
}

const planned = (ours: MailboxEvent[], theirs: MailboxEvent[], store: Store) => planStream(STREAM, ours, theirs, store.ctx()).events;

function contents(events: readonly MailboxEvent[]): string[] {
  const side = sideOf(events);
  return [...side.current.entries()].sort(([x], [y]) => x - y).map(([uid, p]) => `${uid} ${p.message.emailId} ${[...side.flagsNow.get(uid)!].sort().join(',')}`);
}

const histories = fc.record({ prefix: fc.array(op, { maxLength: 15 }), a: fc.array(op, { maxLength: 15 }), b: fc.array(op, { maxLength: 15 }) });

function fork({ prefix, a, b }: { prefix: Op[]; a: Op[]; b: Op[] }) {
  const common = run([], prefix, new Store('P', 0));
  const storeA = new Store('node-a', 1000);
  const storeB = new Store('node-b', 1000);
  return { common, A: run(common, a, storeA), B: run(common, b, storeB), storeA, storeB };
}

describe('mailbox merge properties', () => {
  it('is symmetric in the resulting state and idempotent', () => {
    fc.assert(
      fc.property(histories, (h) => {
        const { A, B, storeA, storeB } = fork(h);
        const intoA = merge(A, B, storeA);
        const intoB = merge(B, A, storeB);
        assert.deepEqual(contents(intoA), contents(intoB));
        assert.deepEqual(planned(intoA, B, storeA), [], 'merging again appends nothing');
        assert.deepEqual(planned(intoA, intoB, storeA), [], 'two merged stores agree');
        assert.equal(decideMailboxMerge(sideOf(intoA), sideOf(intoB), storeA.ctx()).events.length, 0, 'weighing every message agrees');
      }),
      { numRuns: 300 },
    );
    for (const [rule, runs] of Object.entries(reached)) assert.ok(runs > 10, `only ${runs} runs reached ${rule}`);
  });

  it('loses nothing, duplicates nothing, resurrects nothing, and never reuses a UID', () => {
    fc.assert(
      fc.property(histories, (h) => {
        const { A, B, storeA } = fork(h);
        const [a, b] = [sideOf(A), sideOf(B)];
        const merged = merge(A, B, storeA);
        const result = sideOf(merged);
        const deleted = (key: string) => [a, b].some((s) => s.holders.get(key) === 0);
        const present = (s: MailboxSide) => [...s.holders].filter(([, n]) => n > 0).map(([key]) => key);
        const keys = [...result.current.values()].map((p) => p.key);
        assert.equal(new Set(keys).size, keys.length, 'no message twice');
        for (const key of new Set([...present(a), ...present(b)])) {
          assert.equal((result.holders.get(key) ?? 0) > 0, !deleted(key), `message ${key}: ${deleted(key) ? 'came back' : 'lost'}`);
        }
        // A UID once given is never given again; new ones only go up.
        let uidNext = 1;
        const given = new Set<number>();
        for (const e of merged) {
          if (e.type !== 'MessageAppended') continue;
          assert.ok(e.data.uid >= uidNext && !given.has(e.data.uid), `UID ${e.data.uid} below UIDNEXT ${uidNext}`);
          given.add(e.data.uid);
          uidNext = e.data.uid + 1;
        }
        // What both stores hold at the same UID stays there.
        for (const [uid, p] of a.current) if (sameMessage(b.current.get(uid), p)) assert.ok(sameMessage(result.current.get(uid), p), `UID ${uid} moved`);
      }),
      { numRuns: 300 },
    );
  });
});
