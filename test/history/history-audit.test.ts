// `history` and `audit` from their index projections, on the realistic fixture.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Runtime } from '../../src/frontends/runtime.ts';
import { HistoryIndex, historyProjection } from '../../src/projections/history-index.ts';
import { messageHistory } from '../../src/projections/message-history.ts';
import { AuditIndex, auditProjection } from '../../src/projections/audit-index.ts';
import { dumpProjections, tempDir } from '../helpers/runtime.ts';
import { buildFixture, PLAN_MESSAGE_ID, T, type Fixture } from './fixture.ts';
import { projectionDb } from '../../src/projections/projection.ts';

const dir = tempDir();
let runtime: Runtime;
let fx: Fixture;
let history: HistoryIndex;
let audit: AuditIndex;

before(async () => {
  ({ runtime, fx } = await buildFixture(dir.path));
  history = new HistoryIndex(projectionDb(runtime.storage.root, historyProjection));
  audit = new AuditIndex(projectionDb(runtime.storage.root, auditProjection));
});
after(async () => {
  await runtime.close();
  dir.remove();
});

const names = (id: string) => (id === fx.inbox ? 'INBOX' : id === fx.notes ? 'Projects 2010' : id);

test('history of the plan: delivered over SMTP, read, moved, renumbered by a merge, expunged, by whom and from where', async () => {
  const events = await messageHistory(runtime.storage.events, history, fx.plan.emailId, names);
  assert.deepEqual(
    events.map((e) => [e.at, e.what, e.mailbox, e.uid, e.actor.protocol, e.actor.address]),
    [
      [T.planDelivered, 'delivered', 'INBOX', fx.plan.inboxUid, 'smtp', '203.0.113.7'],
      [T.read, 'flags changed', 'INBOX', fx.plan.inboxUid, 'imap', '198.51.100.20'],
      [T.moved, 'moved in', 'Projects 2010', fx.plan.notesUid, 'imap', '198.51.100.20'],
      [T.moved, 'moved out', 'INBOX', fx.plan.inboxUid, 'imap', '198.51.100.20'],
      // Store B gave the same UID in that folder to another message during the outage.
      [T.merged, 'UID given up (merge renumbered it)', 'Projects 2010', fx.plan.notesUid, 'merge', 'B'],
      [T.merged, 'renumbered by merge', 'Projects 2010', fx.plan.renumberedUid, 'merge', 'B'],
      ['2026-05-19T13:00:00.000Z', 'flags changed', 'Projects 2010', fx.plan.renumberedUid, 'imap', '198.51.100.20'],
      [T.expunged, 'expunged', 'Projects 2010', fx.plan.renumberedUid, 'imap', '198.51.100.20'],
    ],
  );
  const [delivery, read, movedIn, movedOut, , renumbered] = events;
  assert.ok(fx.plan.renumberedUid > fx.plan.notesUid);
  assert.equal(renumbered!.details.fromUid, fx.plan.notesUid);
  assert.deepEqual(renumbered!.details.flags, ['\\Seen']);
  assert.deepEqual(
    { ...delivery!.details, transactionId: undefined },
    { mailFrom: 'carol@example.net', rcptTo: 'alice@example.test', clientAddress: '203.0.113.7', transactionId: undefined, emailId: fx.plan.emailId, flags: [], size: delivery!.details.size, subject: 'Quarterly plan' },
  );
  assert.equal(delivery!.details.transactionId, 'tx-quarterlyplan');
  assert.deepEqual(read!.details, { added: ['\\Seen'], removed: [] });
  assert.equal(movedIn!.details.fromUid, fx.plan.inboxUid);
  assert.equal(movedOut!.details.toUid, fx.plan.notesUid);
  assert.equal(events.at(-1)!.actor.id, fx.alice);
});

test('a message is found by Message-ID (with or without brackets, any case of domain) and by mailbox and UID after it is gone', () => {
  assert.deepEqual(history.emailIdsOfMessageId(PLAN_MESSAGE_ID), [fx.plan.emailId]);
  assert.deepEqual(history.emailIdsOfMessageId('plan-2010@EXAMPLE.net'), [fx.plan.emailId]);
  assert.equal(history.emailIdAt(fx.inbox, fx.plan.inboxUid), fx.plan.emailId);
  assert.equal(history.emailIdAt(fx.notes, fx.plan.notesUid), fx.plan.emailId);
  assert.equal(history.knows(fx.plan.emailId), true);
  assert.equal(history.knows('no-such-email'), false);
});

test('the message popped over POP3 says so', async () => {
  const events = await messageHistory(runtime.storage.events, history, fx.invoice, names);
  assert.deepEqual(events.at(-1), { ...events.at(-1)!, what: 'expunged', at: T.popped, details: { reason: 'pop3' } });
  assert.equal(events.at(-1)!.actor.protocol, 'pop3');
});

test("audit of one account's day reads that day's entries of that account and nothing else", async () => {
  const total = await runtime.storage.events.headPosition();
  const day = { accountId: fx.alice, since: '2026-05-19T00:00:00.000Z', until: '2026-05-19T23:59:59.999Z' };
  const { entries, scanned } = audit.query(day);
  assert.equal(scanned, entries.length);
  assert.ok(total > 5 * scanned, `log of ${total} events, ${scanned} read`);
  assert.deepEqual(
    entries.map((e) => [e.at, e.category]),
    [
      [T.planDelivered, 'delivery'],
      ['2026-05-19T09:05:00.000Z', 'delivery'],
      ['2026-05-19T09:06:00.000Z', 'delivery'],
      [T.read, 'flags'],
      ['2026-05-19T10:05:00.000Z', 'flags'],
      [T.moved, 'append'],
      [T.moved, 'move'],
      [T.renamed, 'folder'],
      [T.merged, 'merge'], // the plan's UID given up
      [T.merged, 'merge'], // the plan renumbered
      [T.merged, 'merge'], // B's draft placed above both stores' UIDNEXT
      [T.merged, 'merge'], // MergeApplied: what the merge did
      ['2026-05-19T13:00:00.000Z', 'flags'],
      [T.expunged, 'deletion'],
      [T.popped, 'deletion'],
    ],
  );
  assert.ok(entries.every((e) => e.accountId === fx.alice));
  assert.match(entries.find((e) => e.type === 'MergeApplied')!.summary, /\(B\): 3 events appended .* in 1 mailboxes/);
  assert.match(entries.find((e) => e.summary.includes('renumbered from'))!.summary, new RegExp(`uid ${fx.plan.renumberedUid} renumbered from ${fx.plan.notesUid} by merge`));
  // Bob's 240 deliveries stay out; the whole log by time has them.
  const deliveries = audit.query({ types: ['delivery'] }).entries;
  assert.equal(deliveries.filter((e) => e.accountId === fx.bob).length, 240);
  assert.deepEqual(audit.query({ ...day, types: ['deletion'] }).entries.map((e) => e.summary), [
    `uids ${fx.plan.renumberedUid} expunged (expunge)`,
    'uids 6 expunged (pop3)',
  ]);
  const admin = audit.query({ types: ['admin'], until: T.created }).entries;
  assert.ok(admin.some((e) => e.type === 'AccountCreated') && admin.every((e) => e.actor.kind === 'admin'));
  assert.ok(admin.every((e) => !e.summary.includes('$')), 'no password hash in the audit');
});

test('a rebuild of history and audit gives the same index as following the log live', async () => {
  const live = dumpProjections(runtime);
  await runtime.runner.rebuild(['history', 'audit']);
  const rebuilt = dumpProjections(runtime);
  assert.deepEqual(rebuilt.history, live.history);
  assert.deepEqual(rebuilt.audit, live.audit);
});

test("an audit index whose account keys hold copies of the entries (as earlier versions stored them) answers the same", async () => {
  const db = projectionDb(runtime.storage.root, auditProjection);
  const day = { accountId: fx.alice, since: '2026-05-19T00:00:00.000Z', until: '2026-05-19T23:59:59.999Z' };
  const now = audit.query(day);
  const accountKeys = [...db.getKeys({ start: ['a'] as never, end: ['a\uffff'] as never })] as unknown as unknown[][];
  assert.ok(accountKeys.length > now.entries.length);
  await db.transaction(() => {
    for (const key of accountKeys) db.putSync(key as never, db.get(['t', ...key.slice(2)] as never));
  });
  try {
    assert.deepEqual(audit.query(day), now);
  } finally {
    await db.transaction(() => {
      for (const key of accountKeys) db.putSync(key as never, 0);
    });
  }
});
