// The folder-tree merge: created on either side exists, deleted on either side is gone, the
// latest name wins, one name given to two mailboxes keeps both, and the result does not depend
// on which side is "ours".
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { accountDecider } from '../account/decider.ts';
import type { AccountEvent } from '../account/events.ts';
import { testContext } from '../testing.ts';
import { accountSide, decideAccountMerge, mergedTree } from './account-merge.ts';

const ACCOUNT = 'acc';

/** Runs account commands at a given time and origin, as one store would. */
function history(start: AccountEvent[], steps: [string, Parameters<typeof accountDecider.decide>[0]][], origin: string): AccountEvent[] {
  const events = [...start];
  steps.forEach(([now, command], i) => {
    let state = accountDecider.initialState();
    for (const e of events) state = accountDecider.evolve(state, e);
    const ctx = { ...testContext(now, `${origin}-${i}`), origin };
    events.push(...accountDecider.decide(command, state, ctx));
  });
  return events;
}

const tree = (events: AccountEvent[]) => {
  let state = accountDecider.initialState();
  for (const e of events) state = accountDecider.evolve(state, e);
  return [...state.mailboxes.values()].map((m) => `${m.name} ${m.mailboxId} ${m.uidValidity}`).sort();
};

function mergeInto(ours: AccountEvent[], theirs: AccountEvent[]): AccountEvent[] {
  const decision = decideAccountMerge(accountSide(ACCOUNT, ours), accountSide(ACCOUNT, theirs), { ...testContext('2026-06-01T00:00:00.000Z', 'merge'), origin: 'merge' });
  return [...ours, ...decision.events];
}

describe('folder tree merge', () => {
  const common = history([], [['2026-05-01T00:00:00.000Z', { type: 'provision', accountId: ACCOUNT }], ['2026-05-01T00:01:00.000Z', { type: 'create', accountId: ACCOUNT, name: 'Project Notes 2010' }]], 'p');
  const a = history(common, [
    ['2026-05-02T00:00:00.000Z', { type: 'create', accountId: ACCOUNT, name: 'Only A' }],
    ['2026-05-02T00:01:00.000Z', { type: 'delete', accountId: ACCOUNT, name: 'Junk' }],
    ['2026-05-02T00:02:00.000Z', { type: 'create', accountId: ACCOUNT, name: 'Same Name' }],
  ], 'node-a');
  const b = history(common, [
    ['2026-05-03T00:00:00.000Z', { type: 'rename', accountId: ACCOUNT, from: 'Project Notes 2010', to: 'Old Projects' }],
    ['2026-05-03T00:01:00.000Z', { type: 'create', accountId: ACCOUNT, name: 'Same Name' }],
  ], 'node-b');

  it('creates what one side created, honours deletions and renames, keeps both of two same-named mailboxes', () => {
    const merged = tree(mergeInto(a, b));
    const names = merged.map((line) => line.split(' ').slice(0, -2).join(' '));
    assert.ok(names.includes('Only A'));
    assert.ok(names.includes('Old Projects') && !names.includes('Project Notes 2010'));
    assert.ok(!names.includes('Junk'), 'deleted on A stays deleted');
    assert.deepEqual(names.filter((n) => n.startsWith('Same Name')).sort(), ['Same Name', 'Same Name (merged 2)']);
    const uidValidity = (events: AccountEvent[], name: string) => tree(events).find((l) => l.startsWith(`${name} `))!.split(' ').at(-1);
    assert.equal(merged.find((l) => l.startsWith('Old Projects '))!.split(' ').at(-1), uidValidity(common, 'Project Notes 2010'), 'UIDVALIDITY kept');
  });

  it('is symmetric and idempotent', () => {
    const intoA = mergeInto(a, b);
    const intoB = mergeInto(b, a);
    assert.deepEqual(tree(intoA), tree(intoB));
    assert.deepEqual(decideAccountMerge(accountSide(ACCOUNT, intoA), accountSide(ACCOUNT, b), testContext()).events, []);
    assert.deepEqual(decideAccountMerge(accountSide(ACCOUNT, intoA), accountSide(ACCOUNT, intoB), testContext()).events, []);
    assert.deepEqual(mergedTree(accountSide(ACCOUNT, a), accountSide(ACCOUNT, b)).nameConflicts.length, 1);
  });
});
