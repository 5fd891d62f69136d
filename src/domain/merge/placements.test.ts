// Which copies a merge counts as one message: one SMTP transaction delivered to the account on
// each store is one, by whichever of the account's addresses each store took it.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { appended, initialized } from '../mailbox/fixtures.ts';
import { deliveryEmailId } from '../mailbox/email-id.ts';
import type { MailboxEvent, MessageSource } from '../mailbox/events.ts';
import { eventOf } from '../event.ts';
import { testContext } from '../testing.ts';
import { decideMailboxMerge } from './mailbox-merge.ts';
import { SideBuilder } from './placements.ts';

const delivery = (rcptTo: string, transactionId = 'tx1') =>
  ({ kind: 'delivery', mailFrom: 'a@example.net', rcptTo, clientAddress: '192.0.2.1', transactionId, contentHash: 'c1' }) as const satisfies MessageSource;

const sideOf = (events: MailboxEvent[]) => {
  const builder = new SideBuilder();
  for (const e of events) builder.add(e);
  return builder.side;
};

describe('messages a merge recognises', () => {
  it('keeps one copy of a transaction each store delivered by another address of the account', () => {
    const onA = delivery('carol@example.test');
    const onB = delivery('carol.alias@example.test');
    const ours = [initialized(), appended(1, 1, { source: onA, blobId: 'blob-a', emailId: deliveryEmailId('acc1', onA, 'blob-a') })];
    const theirs = [initialized(), appended(1, 1, { source: onB, blobId: 'blob-b', emailId: deliveryEmailId('acc1', onB, 'blob-b') })];
    const { events, counts } = decideMailboxMerge(sideOf(ours), sideOf(theirs), testContext());
    assert.deepEqual(events, [], 'nothing added, nothing renumbered');
    assert.equal(counts.duplicates, 1);
  });

  it('still agrees with a store merged while a delivery was known by its envelope too', () => {
    // Before: each store gave UID 1 to its own delivery; that merge renumbered both, recording
    // keys as they were then.
    const mine = appended(1, 1, { source: delivery('carol@example.test', 'tx0'), emailId: 'e-a' });
    const theirs = [initialized(), appended(1, 1, { source: delivery('carol@example.test'), emailId: 'e-b' })];
    const recorded = (tx: string) => `d:${tx}\na@example.net\ncarol@example.test\nc1`;
    const ours = [
      initialized(),
      mine,
      eventOf('MessagesExpunged', { mailboxId: 'mb1', modseq: 2, uids: [1], reason: 'merge-renumbered' }, testContext()),
      appended(2, 3, { source: delivery('carol@example.test', 'tx0'), emailId: 'e-a', merged: { key: recorded('tx0'), placedBy: mine.meta.eventId, renumberedFrom: 1 } }),
      appended(3, 4, { source: delivery('carol@example.test'), emailId: 'e-b', merged: { key: recorded('tx1'), placedBy: theirs[1]!.meta.eventId } }),
    ];
    assert.deepEqual(decideMailboxMerge(sideOf(ours), sideOf(theirs), testContext()).events, [], 'merging again changes nothing');
  });
});
