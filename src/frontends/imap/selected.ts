// The selected mailbox as this session's client knows it: message sequence numbers (position in
// `uids`), the flags it was last told, which messages are \Recent here, and what changed since —
// learnt from the mailbox view's change feed and told only when the rules allow (EXPUNGE never
// while FETCH, STORE or SEARCH run).
import { hasFlag } from '../../domain/mailbox/flags.ts';
import type { MailboxView, MessageRecord } from '../../projections/mailbox-view.ts';
import { formatFlags } from './flags.ts';
import { firstAtLeast } from './protocol/sequence.ts';
import type { RecentClaims } from './recent.ts';

export type SyncWriter = (line: string) => Promise<void> | undefined;

type Listed = Pick<MessageRecord, 'uid' | 'flags'>;

export class SelectedMailbox {
  /** seq - 1 -> UID, ascending: what the client believes is in the mailbox (a UID's sequence
   * number is found by bisection, so an expunge in a large folder renumbers nothing by hand) */
  private uids: number[];
  /** the flags the client was last told, per UID */
  private readonly told = new Map<number, readonly string[]>();
  /** the change feed has been read up to this MODSEQ */
  private modseq: number;
  private readonly arrived: MessageRecord[] = [];
  private readonly expunged = new Set<number>();
  private readonly flagChanged = new Map<number, readonly string[]>();
  /** UIDs that are \Recent in this session: claimed by it (SELECT) or unclaimed when seen (EXAMINE) */
  private readonly recent = new Set<number>();
  /** UIDs this session claimed before they arrived (claimAhead), as ranges (after, upTo] */
  private readonly claimedAhead: { after: number; upTo: number }[] = [];
  /** the view changed since the last poll (set by the connection's nudge): what wakes IDLE */
  dirty = false;
  /** the folder was deleted (by another session or process): this session cannot go on with it */
  deleted = false;

  private constructor(
    private readonly view: MailboxView,
    private readonly claims: RecentClaims,
    readonly mailboxId: string,
    readonly name: string,
    readonly readOnly: boolean,
    readonly uidValidity: number,
  ) {
    this.uids = [];
    this.modseq = 0;
  }

  static async open(view: MailboxView, claims: RecentClaims, mailboxId: string, name: string, readOnly: boolean): Promise<SelectedMailbox | null> {
    // Status first: anything that lands between the two reads comes again from the change feed.
    const status = view.status(mailboxId);
    if (status === undefined) return null;
    const selected = new SelectedMailbox(view, claims, mailboxId, name, readOnly, status.uidValidity);
    selected.modseq = status.highestModseq;
    const messages = view.listing(mailboxId);
    for (const m of messages) selected.add(m);
    await selected.takeRecent(messages);
    return selected;
  }

  get count(): number {
    return this.uids.length;
  }

  /** How many messages are \Recent in this session (the RECENT response). */
  get recentCount(): number {
    return this.recent.size;
  }

  isRecent(uid: number): boolean {
    return this.recent.has(uid);
  }

  /** A message's flags as this session shows them: \Recent is added to those the view keeps. */
  shownFlags(uid: number, flags: readonly string[]): readonly string[] {
    return this.recent.has(uid) ? [...flags, '\\Recent'] : flags;
  }

  /** UIDs in sequence order, the list itself: read it before the next await, which may change it. */
  get uidList(): readonly number[] {
    return this.uids;
  }

  /** UIDs in sequence order (a copy). */
  allUids(): number[] {
    return [...this.uids];
  }

  uidAt(seq: number): number | undefined {
    return this.uids[seq - 1];
  }

  seqOf(uid: number): number | undefined {
    const i = this.indexOf(uid);
    return i < 0 ? undefined : i + 1;
  }

  /**
   * UIDs (ascending) whose flags, as this session last learnt them from the change feed, include
   * `flag`: the candidates to check against the view, so a command about a few flagged
   * messages reads those and not the whole folder.
   */
  flagged(flag: string): number[] {
    this.poll();
    const out: number[] = [];
    for (const [uid, flags] of this.told) if (hasFlag(flags, flag) && !this.flagChanged.has(uid)) out.push(uid);
    for (const [uid, flags] of this.flagChanged) if (hasFlag(flags, flag) && this.knows(uid)) out.push(uid);
    return out.sort((a, b) => a - b);
  }

  /** A message's flags as this session last learnt them (told, or changed since): current after `poll()`. */
  flagsOf(uid: number): readonly string[] {
    return this.flagChanged.get(uid) ?? this.told.get(uid) ?? [];
  }

  /** The sequence number of the first message without \Seen, as the client was last told. */
  firstUnseen(): number | undefined {
    const i = this.uids.findIndex((uid) => !hasFlag(this.told.get(uid) ?? [], '\\Seen'));
    return i < 0 ? undefined : i + 1;
  }

  /** Gone from the mailbox, but the client has not been told yet. */
  isExpunged(uid: number): boolean {
    return this.expunged.has(uid);
  }

  /** The client now knows these flags (it was sent a FETCH with them). */
  markTold(uid: number, flags: readonly string[]): void {
    if (this.knows(uid)) this.told.set(uid, [...flags]);
    this.flagChanged.delete(uid);
  }

  /** Reads the change feed into what is pending; one read when nothing changed. */
  poll(): void {
    this.dirty = false;
    const changes = this.view.changesSince(this.mailboxId, this.modseq);
    for (const uid of changes.expunged) {
      if (this.knows(uid)) this.expunged.add(uid);
      this.arrivedDrop(uid);
    }
    const last = this.uids[this.uids.length - 1] ?? 0;
    for (const m of changes.changed) {
      if (this.knows(m.uid)) this.flagChanged.set(m.uid, m.flags);
      else if (m.uid > last && !this.arrived.some((a) => a.uid === m.uid)) this.arrived.push(m);
      else {
        const pending = this.arrived.find((a) => a.uid === m.uid);
        if (pending) pending.flags = m.flags;
      }
    }
    this.modseq = Math.max(this.modseq, changes.highestModseq);
  }

  /**
   * Tells the client what changed: EXPUNGEs (when allowed), then EXISTS and RECENT for arrivals,
   * then FETCH FLAGS for flag changes it has not seen. An expunge that may not be told yet keeps
   * its sequence number, so every number the client holds stays right.
   */
  async flush(write: SyncWriter, allowExpunge: boolean): Promise<void> {
    if (allowExpunge && this.expunged.size) {
      const gone = [...this.expunged].sort((a, b) => b - a);
      this.expunged.clear();
      // Highest first: each number is still right when the client reads it.
      const seqs = gone.map((uid) => this.indexOf(uid) + 1);
      this.remove(new Set(gone));
      for (const seq of seqs) await write(`* ${seq} EXPUNGE`);
    }
    if (this.arrived.length) {
      const arrived = this.arrived.sort((a, b) => a.uid - b.uid);
      // Claimed first: should the claim fail, the arrivals are still pending, none half told.
      await this.takeRecent(arrived);
      for (const m of arrived.splice(0)) this.add(m);
      await write(`* ${this.uids.length} EXISTS`);
      await write(`* ${this.recent.size} RECENT`);
    }
    for (const [uid, flags] of [...this.flagChanged].sort((a, b) => a[0] - b[0])) {
      this.flagChanged.delete(uid);
      const known = this.told.get(uid);
      if (!this.knows(uid) || this.expunged.has(uid) || (known && sameFlags(known, flags))) continue;
      this.told.set(uid, [...flags]);
      await write(`* ${this.indexOf(uid) + 1} FETCH (UID ${uid} FLAGS ${formatFlags(this.shownFlags(uid, flags))})`);
    }
  }

  /**
   * Which of these messages (the newest the session knows, in UID order) are recent here. SELECT
   * claims them, so they are recent in no other session; EXAMINE must not (RFC 3501 6.3.2) and
   * only counts those nobody has claimed yet.
   */
  private async takeRecent(messages: readonly Listed[]): Promise<void> {
    const newest = messages[messages.length - 1]?.uid;
    if (newest === undefined) return;
    const claimedBefore = this.readOnly ? this.claims.claimed(this.mailboxId) : await this.claims.claim(this.mailboxId, newest);
    const ahead = (uid: number) => this.claimedAhead.some((r) => uid > r.after && uid <= r.upTo);
    for (const m of messages) if (m.uid > claimedBefore || ahead(m.uid)) this.recent.add(m.uid);
    // Ranges all of whose UIDs the session has now seen arrive (or pass by) are done with.
    for (let i = this.claimedAhead.length - 1; i >= 0; i--) if (this.claimedAhead[i]!.upTo <= newest) this.claimedAhead.splice(i, 1);
  }

  /**
   * Claims the UIDs up to `upTo`, not yet in the mailbox, for this session: APPEND to the selected
   * mailbox does so while its message is being stored, so that telling the client of the arrival
   * waits for no claim of its own. Whatever arrives with those UIDs is recent here and in no other
   * session, whoever stored it.
   */
  async claimAhead(upTo: number): Promise<void> {
    if (this.readOnly) return;
    const before = await this.claims.claim(this.mailboxId, upTo);
    if (upTo > before) this.claimedAhead.push({ after: before, upTo });
  }

  private add(m: Listed): void {
    // UIDs only grow: one not above the last is known already.
    const last = this.uids[this.uids.length - 1];
    if (last !== undefined && m.uid <= last) return;
    this.uids.push(m.uid);
    this.told.set(m.uid, [...m.flags]);
  }

  private remove(gone: ReadonlySet<number>): void {
    this.uids = this.uids.filter((uid) => !gone.has(uid));
    for (const uid of gone) {
      this.told.delete(uid);
      this.recent.delete(uid);
    }
  }

  private arrivedDrop(uid: number): void {
    const i = this.arrived.findIndex((a) => a.uid === uid);
    if (i >= 0) this.arrived.splice(i, 1);
  }

  private indexOf(uid: number): number {
    const i = firstAtLeast(this.uids, uid);
    return this.uids[i] === uid ? i : -1;
  }

  private knows(uid: number): boolean {
    return this.indexOf(uid) >= 0;
  }
}

function sameFlags(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  const set = new Set(a.map((f) => f.toLowerCase()));
  return b.every((f) => set.has(f.toLowerCase()));
}
