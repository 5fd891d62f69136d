// Restore as of a moment, show --as-of and replay, on the realistic fixture.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Runtime } from '../../src/frontends/runtime.ts';
import { accountAt, restoreAsOf } from '../../src/frontends/as-of.ts';
import { buildAt } from '../../src/projections/point-in-time.ts';
import { adminContext, dumpProjections, settled, tempDir } from '../helpers/runtime.ts';
import { buildFixture, T, type Fixture } from './fixture.ts';

const dir = tempDir();
let runtime: Runtime;
let fx: Fixture;

before(async () => {
  ({ runtime, fx } = await buildFixture(dir.path));
});
after(async () => {
  await runtime.close();
  dir.remove();
});

const subjects = (r: Runtime, mailboxId: string) => r.mailboxes.messages(mailboxId).map((m) => `${m.summary.subject} [${m.flags.join(' ')}]`);

test('restore re-creates INBOX as it stood before the plan was read: same messages, flags of then, emailId and blob kept', async () => {
  const restored = await restoreAsOf(runtime, { accountId: fx.alice, mailbox: 'inbox', asOf: T.beforeRead }, adminContext(runtime));
  await settled(runtime);
  assert.equal(restored.name, 'INBOX (restored 2026-05-19 09:30)');
  assert.deepEqual(subjects(runtime, restored.mailboxId), ['Old 1 []', 'Old 2 []', 'Old 3 []', 'Quarterly plan []', 'Lunch []', 'Invoice []']);
  const original = runtime.storage.events;
  const back = runtime.mailboxes.messages(restored.mailboxId).find((m) => m.summary.subject === 'Quarterly plan')!;
  assert.equal(back.emailId, fx.plan.emailId);
  assert.deepEqual(back.source, { kind: 'restore', fromMailboxId: fx.inbox, fromUid: fx.plan.inboxUid, asOf: T.beforeRead });
  assert.ok(await runtime.storage.blobs.has(back.blobId));
  // History was appended to, not rewritten: INBOX today still lacks the moved and the popped message.
  assert.deepEqual(subjects(runtime, fx.inbox), ['Old 1 []', 'Old 2 []', 'Old 3 []', 'Lunch [\\Flagged]']);
  assert.ok((await original.headPosition()) > 0);
});

test('restore finds a folder by the name it had then (renamed since) and keeps the flags of then', async () => {
  const restored = await restoreAsOf(runtime, { accountId: fx.alice, mailbox: 'Project Notes 2010', asOf: T.beforeRename, into: 'Notes back' }, adminContext(runtime));
  await settled(runtime);
  assert.equal(restored.fromMailboxId, fx.notes);
  assert.deepEqual(subjects(runtime, restored.mailboxId), ['Quarterly plan [\\Seen]']);
  // Today the folder is "Projects 2010", and holds only what store B saved there during the outage.
  assert.equal(runtime.accounts.mailboxByName(fx.alice, 'Projects 2010')?.mailboxId, fx.notes);
  assert.deepEqual(subjects(runtime, fx.notes), ['Draft notes []']);
});

test('restore just after the merge: the renumbered plan (flags of then) and what store B saved', async () => {
  const restored = await restoreAsOf(runtime, { accountId: fx.alice, mailbox: 'Projects 2010', asOf: '2026-05-19T12:45:00Z' }, adminContext(runtime));
  await settled(runtime);
  assert.equal(restored.name, 'Projects 2010 (restored 2026-05-19 12:45)');
  assert.deepEqual(subjects(runtime, restored.mailboxId), ['Quarterly plan [\\Seen]', 'Draft notes []']);
  assert.deepEqual(
    runtime.mailboxes.messages(restored.mailboxId).map((m) => m.source.kind === 'restore' && m.source.fromUid),
    [fx.plan.renumberedUid, fx.plan.renumberedUid + 1],
  );
});

test('bad restores say why and append nothing', async () => {
  const head = await runtime.storage.events.headPosition();
  const tries: [Parameters<typeof restoreAsOf>[1], RegExp][] = [
    [{ accountId: fx.alice, mailbox: 'Projects 2010', asOf: T.beforeRename }, /mailbox "Projects 2010" did not exist at 2026-05-19T11:30:00.000Z; the folders then were .*"Project Notes 2010"/],
    [{ accountId: fx.alice, mailbox: 'Nowhere', asOf: T.read }, /mailbox "Nowhere" did not exist/],
    [{ accountId: fx.alice, mailbox: 'INBOX', asOf: '2026-05-01T00:00:00.000Z' }, /had no folders yet at 2026-05-01T00:00:00.000Z \(its first folder was made at 2026-05-18T08:00:00.000Z\)/],
    [{ accountId: fx.alice, mailbox: 'INBOX', asOf: T.read, into: 'Notes back' }, /mailbox "Notes back" already exists/],
  ];
  for (const [request, message] of tries) {
    await assert.rejects(restoreAsOf(runtime, request, adminContext(runtime)), message);
  }
  assert.equal(await runtime.storage.events.headPosition(), head);
});

test('the folder tree and counts as of a moment, from the account\'s own streams only', async () => {
  const at = await accountAt(runtime, fx.alice, T.beforeRename);
  try {
    const counts = Object.fromEntries(
      at.accounts.tree(fx.alice).map((f) => [f.name, [at.mailboxes.status(f.mailboxId!)?.messages, at.mailboxes.status(f.mailboxId!)?.unseen]]),
    );
    assert.deepEqual(counts['INBOX'], [5, 5]); // the plan, the one read, had been moved out
    assert.deepEqual(counts['Project Notes 2010'], [1, 0]);
    assert.equal(counts['Projects 2010'], undefined);
    // Bob's 240 deliveries are in another stream: not read.
    assert.ok(at.scanned < 100, `read ${at.scanned} events`);
  } finally {
    await at.close();
  }
});

test('replay up to a position or a time builds a separate copy and leaves the live read models alone', async () => {
  await settled(runtime);
  const before = dumpProjections(runtime);
  const byTime = await buildAt(runtime.storage.events, { at: T.moved });
  const head = await runtime.storage.events.headPosition();
  const byPosition = await buildAt(runtime.storage.events, { position: byTime.position });
  try {
    const inbox = (v: typeof byTime) => v.mailboxes.messages(fx.inbox).map((m) => m.summary.subject);
    assert.deepEqual(inbox(byTime), ['Old 1', 'Old 2', 'Old 3', 'Lunch', 'Invoice']);
    assert.deepEqual(inbox(byPosition), inbox(byTime));
    assert.deepEqual(byTime.accounts.tree(fx.alice).map((f) => f.name), byPosition.accounts.tree(fx.alice).map((f) => f.name));
    assert.ok(byTime.position < head);
  } finally {
    await byTime.close();
    await byPosition.close();
  }
  assert.deepEqual(dumpProjections(runtime), before);
});
