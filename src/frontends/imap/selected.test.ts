import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Changes, MailboxStatus, MailboxView, MessageRecord } from '../../projections/mailbox-view.ts';
import { emptySummary } from '../../domain/mailbox/fixtures.ts';
import type { RecentClaims } from './recent.ts';
import { SelectedMailbox } from './selected.ts';

/** A mailbox view in memory, with the change feed the real one gives. */
class FakeView {
  modseq = 0;
  messages = new Map<number, MessageRecord>();
  gone: { modseq: number; uid: number }[] = [];

  append(uid: number, flags: string[] = []): void {
    this.messages.set(uid, {
      uid, modseq: ++this.modseq, emailId: `e${uid}`, blobId: 'b', size: 1, internalDate: '2026-01-01T00:00:00Z',
      flags, summary: emptySummary, source: { kind: 'append' }, placedBy: `p${uid}`,
    });
  }
  flags(uid: number, flags: string[]): void {
    const m = this.messages.get(uid)!;
    this.messages.set(uid, { ...m, flags, modseq: ++this.modseq });
  }
  expunge(...uids: number[]): void {
    const modseq = ++this.modseq;
    for (const uid of uids) {
      this.messages.delete(uid);
      this.gone.push({ modseq, uid });
    }
  }
  status(): MailboxStatus {
    return { mailboxId: 'mb', accountId: 'a', uidValidity: 7, uidNext: 99, highestModseq: this.modseq, messages: this.messages.size, unseen: 0, deleted: 0, size: 0 };
  }
  changesSince(_id: string, since: number): Changes {
    return {
      changed: [...this.messages.values()].filter((m) => m.modseq > since).sort((a, b) => a.uid - b.uid),
      expunged: this.gone.filter((g) => g.modseq > since).map((g) => g.uid),
      highestModseq: this.modseq,
    };
  }
  asView(): MailboxView {
    return {
      status: () => this.status(),
      listing: () => [...this.messages.values()].sort((a, b) => a.uid - b.uid),
      changesSince: (id: string, since: number) => this.changesSince(id, since),
    } as unknown as MailboxView;
  }
}

/** Recent cursors in memory, claimed as the LMDB ones are: read and moved in one step. */
class FakeClaims implements RecentClaims {
  constructor(public cursor = 0) {}
  claimed(): number {
    return this.cursor;
  }
  async claim(_id: string, upTo: number): Promise<number> {
    const before = this.cursor;
    this.cursor = Math.max(before, upTo);
    return before;
  }
}

/** Opens the fake mailbox; every message so far claimed by some earlier session unless told. */
async function open(view: FakeView, options: { claims?: FakeClaims; readOnly?: boolean } = {}): Promise<SelectedMailbox> {
  const mailbox = await SelectedMailbox.open(view.asView(), options.claims ?? new FakeClaims(99), 'mb', 'INBOX', options.readOnly ?? false);
  return mailbox!;
}

async function flushed(mailbox: SelectedMailbox, allowExpunge: boolean): Promise<string[]> {
  const lines: string[] = [];
  mailbox.dirty = true;
  mailbox.poll();
  await mailbox.flush(async (line) => void lines.push(line), allowExpunge);
  return lines;
}

describe('selected mailbox bookkeeping', () => {
  it('numbers messages by position and tells arrivals, flag changes and expunges in order', async () => {
    const view = new FakeView();
    for (const uid of [3, 5, 8]) view.append(uid);
    const mailbox = await open(view);
    assert.deepEqual([mailbox.count, mailbox.uidAt(2), mailbox.seqOf(8)], [3, 5, 3]);
    view.expunge(3);
    view.append(9);
    view.flags(8, ['\\Seen']);
    assert.deepEqual(await flushed(mailbox, true), ['* 1 EXPUNGE', '* 3 EXISTS', '* 0 RECENT', '* 2 FETCH (UID 8 FLAGS (\\Seen))']);
    assert.deepEqual(mailbox.allUids(), [5, 8, 9]);
    assert.deepEqual(await flushed(mailbox, true), []);
  });

  it('holds expunges back when not allowed, keeping every sequence number the client holds', async () => {
    const view = new FakeView();
    for (const uid of [1, 2, 3, 4]) view.append(uid);
    const mailbox = await open(view);
    view.expunge(2, 4);
    view.append(5);
    // During FETCH: the new message may be announced, the expunged ones keep their numbers.
    assert.deepEqual(await flushed(mailbox, false), ['* 5 EXISTS', '* 0 RECENT']);
    assert.deepEqual([mailbox.seqOf(3), mailbox.seqOf(5), mailbox.isExpunged(2)], [3, 5, true]);
    // Highest first, so each number is right when the client reads it.
    assert.deepEqual(await flushed(mailbox, true), ['* 4 EXPUNGE', '* 2 EXPUNGE']);
    assert.deepEqual(mailbox.allUids(), [1, 3, 5]);
  });

  it('does not repeat flags the client was already told, nor tell about a message that came and went', async () => {
    const view = new FakeView();
    view.append(1);
    const mailbox = await open(view);
    view.flags(1, ['\\Flagged']);
    mailbox.markTold(1, ['\\Flagged']);
    view.append(2);
    view.expunge(2);
    assert.deepEqual(await flushed(mailbox, true), []);
  });

  it('makes a message \\Recent in the one session that selects it first; EXAMINE sees it without claiming', async () => {
    const view = new FakeView();
    view.append(1);
    view.append(2);
    const claims = new FakeClaims(1);
    const examining = await open(view, { claims, readOnly: true });
    assert.deepEqual([examining.recentCount, claims.cursor], [1, 1]);
    const first = await open(view, { claims });
    const second = await open(view, { claims });
    assert.deepEqual([first.recentCount, first.isRecent(2), second.recentCount], [1, true, 0]);
    assert.deepEqual(first.shownFlags(2, ['\\Seen']), ['\\Seen', '\\Recent']);
    view.append(3);
    assert.deepEqual(await flushed(second, true), ['* 3 EXISTS', '* 1 RECENT']);
    assert.deepEqual(await flushed(first, true), ['* 3 EXISTS', '* 1 RECENT']);
    assert.deepEqual([first.isRecent(3), second.isRecent(3)], [false, true]);
    // An expunged message is recent no more; flags told about a recent one carry \Recent.
    view.expunge(2);
    view.flags(3, ['\\Flagged']);
    assert.deepEqual(await flushed(first, true), ['* 2 EXPUNGE', '* 2 FETCH (UID 3 FLAGS (\\Flagged))']);
    assert.equal(first.recentCount, 0);
    assert.deepEqual(await flushed(second, true), ['* 2 EXPUNGE', '* 2 FETCH (UID 3 FLAGS (\\Flagged \\Recent))']);
  });

  it('keeps arrivals pending when the claim fails, so EXISTS is told once the store is back', async () => {
    const view = new FakeView();
    view.append(1);
    const claims = new FakeClaims(1);
    const mailbox = await open(view, { claims });
    const claim = claims.claim.bind(claims);
    claims.claim = () => Promise.reject(new Error('disk full'));
    view.append(2);
    await assert.rejects(flushed(mailbox, true), /disk full/);
    assert.equal(mailbox.count, 1);
    claims.claim = claim;
    assert.deepEqual(await flushed(mailbox, true), ['* 2 EXISTS', '* 1 RECENT']);
  });
});
