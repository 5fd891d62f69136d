// What one store's history says about one mailbox: which message sits at which UID, how far its
// UIDs went, what was ever there, and the latest change to each flag of each message. The merge
// rules (mailbox-merge.ts) compare two of these.
import type { MailboxEvent, MessageAppended, MessageSource } from '../mailbox/events.ts';

/**
 * A message's identity inside one mailbox, the same on both stores:
 * - a delivery: its SMTP transaction and content, so the same transaction delivered separately
 *   to both stores is one message (whichever of the account's addresses each store delivered
 *   it by), and two messages sharing a Message-ID are two. One transaction delivers once per
 *   account, and a mailbox is one account's: these are the inputs of the delivery's emailId
 *   (mailbox/email-id.ts), so two copies with one such emailId always share a key;
 * - a copy or move: the email and the mailbox it came from, so the same move made on both
 *   stores is one message;
 * - anything else: the event that placed it.
 * A merge records the key it used (`merged.key`), so a renumbered or imported copy keeps it.
 */
export function baseKey(event: MessageAppended): string {
  const { source, blobId, emailId } = event.data;
  return keyOfSource(source, blobId, emailId) ?? `e:${event.meta.eventId}`;
}

function keyOfSource(source: MessageSource, blobId: string, emailId: string): string | undefined {
  if (source.kind === 'delivery' && source.transactionId) return `d:${source.transactionId}\n${source.contentHash ?? blobId}`;
  if (source.kind === 'copy' || source.kind === 'move') return `c:${source.fromMailboxId}\n${emailId}`;
  return undefined;
}

/**
 * A key as a merge recorded it, in today's form. A delivery's key once held its envelope too
 * ("d:<transaction>\n<mailFrom>\n<rcptTo>\n<content>"), and a store merged then must still agree
 * with the other store's own events.
 */
export function currentKey(recorded: string): string {
  if (!recorded.startsWith('d:')) return recorded;
  const lines = recorded.split('\n');
  return lines.length === 4 ? `${lines[0]}\n${lines[3]}` : recorded;
}

/** One copy of a message in the mailbox. */
export type Placement = Readonly<{
  key: string;
  uid: number;
  /** the event that first placed this copy */
  placedBy: string;
  /** as the event that put it at `uid` gave it (its uid, modseq and merge record are that event's) */
  message: MessageAppended['data'];
}>;

/** Two stores agree on a UID only when they put the same message there: same key and emailId. */
export function sameMessage(a: Placement | undefined, b: Placement | undefined): boolean {
  return a !== undefined && b !== undefined && a.key === b.key && a.message.emailId === b.message.emailId;
}

/** A total order of placements of one key that both stores compute alike: by key, then emailId. */
export function compareMessages(a: Placement, b: Placement): number {
  return compare(a.key, b.key) || compare(a.message.emailId, b.message.emailId);
}

export function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The latest word on one flag of one message. */
export type FlagRecord = Readonly<{ flag: string; present: boolean; at: string; origin: string; eventId: string }>;

export type MailboxSide = {
  mailboxId: string;
  accountId: string;
  uidValidity: number;
  initialized: boolean;
  uidNext: number;
  highestModseq: number;
  /** what sits at each UID now */
  current: Map<number, Placement>;
  /** the flags of what sits at each UID now */
  flagsNow: Map<number, string[]>;
  /** how many UIDs hold each key now (normally one): every key this store ever had, 0 once expunged */
  holders: Map<string, number>;
  /** key -> lowercased flag -> latest record */
  flags: Map<string, Map<string, FlagRecord>>;
};

export function emptySide(): MailboxSide {
  return {
    mailboxId: '',
    accountId: '',
    uidValidity: 0,
    initialized: false,
    uidNext: 1,
    highestModseq: 0,
    current: new Map(),
    flagsNow: new Map(),
    holders: new Map(),
    flags: new Map(),
  };
}

/** A copy to go on from; the flag maps are shared (SideBuilder copies one before changing it). */
function forkSide(side: MailboxSide): MailboxSide {
  return {
    ...side,
    current: new Map(side.current),
    flagsNow: new Map(side.flagsNow),
    holders: new Map(side.holders),
    flags: new Map(side.flags),
  };
}

/** Total order of flag changes: later time wins, then origin, then event id. */
export function laterRecord(a: FlagRecord, b: FlagRecord): boolean {
  if (a.at !== b.at) return a.at > b.at;
  if (a.origin !== b.origin) return a.origin > b.origin;
  if (a.eventId !== b.eventId) return a.eventId > b.eventId;
  return a.present && !b.present;
}

/**
 * Folds a mailbox stream's events, in order, into what the merge needs to know of that store.
 * The history two stores share is folded once; `fork()` then gives a second builder, and each
 * folds one store's own events from there.
 */
export class SideBuilder {
  readonly side: MailboxSide;
  /** keys placed, flagged or expunged by the events added since the last fork */
  readonly touched = new Set<string>();
  private tracking: boolean;
  private readonly occurrences: Map<string, number>;
  /** the flag maps of `side.flags` this builder may change in place (the others it shares) */
  private readonly ownFlags = new WeakSet<Map<string, FlagRecord>>();

  constructor(from?: SideBuilder) {
    this.side = from ? forkSide(from.side) : emptySide();
    this.occurrences = new Map(from?.occurrences);
    this.tracking = from !== undefined;
  }

  /** A builder that goes on from this state; from now on this one and it each note what they touch. */
  fork(): SideBuilder {
    this.tracking = true;
    this.touched.clear();
    return new SideBuilder(this);
  }

  private touch(key: string): void {
    if (this.tracking) this.touched.add(key);
  }

  add(event: MailboxEvent): void {
    const side = this.side;
    const { at, origin, eventId } = event.meta;
    switch (event.type) {
      case 'MailboxInitialized':
        side.initialized = true;
        side.mailboxId = event.data.mailboxId;
        side.accountId = event.data.accountId;
        side.uidValidity = event.data.uidValidity;
        return;
      case 'MessageAppended': {
        const message = event.data;
        const { uid, modseq, merged } = message;
        side.mailboxId = message.mailboxId;
        let key = merged && currentKey(merged.key);
        if (key === undefined) {
          // The n-th placement of the same thing on one store is its own message.
          const base = baseKey(event);
          const n = (this.occurrences.get(base) ?? 0) + 1;
          this.occurrences.set(base, n);
          key = n === 1 ? base : `${base}#${n}`;
        }
        const placement: Placement = { key, uid, placedBy: merged?.placedBy ?? eventId, message };
        this.touch(key);
        side.current.set(uid, placement);
        side.flagsNow.set(uid, message.flags);
        side.holders.set(key, (side.holders.get(key) ?? 0) + 1);
        for (const flag of message.flags) this.noteFlag(key, { flag, present: true, at, origin, eventId });
        side.uidNext = Math.max(side.uidNext, uid + 1);
        side.highestModseq = Math.max(side.highestModseq, modseq);
        return;
      }
      case 'FlagsChanged':
        for (const change of event.data.changes) {
          const placement = side.current.get(change.uid);
          if (!placement) continue;
          this.touch(placement.key);
          const lower = new Set(change.removed.map((f) => f.toLowerCase()));
          side.flagsNow.set(change.uid, [...side.flagsNow.get(change.uid)!.filter((f) => !lower.has(f.toLowerCase())), ...change.added]);
          for (const flag of change.added) this.noteFlag(placement.key, { flag, present: true, at, origin, eventId });
          for (const flag of change.removed) this.noteFlag(placement.key, { flag, present: false, at, origin, eventId });
        }
        side.highestModseq = Math.max(side.highestModseq, event.data.modseq);
        return;
      case 'MessagesExpunged':
        for (const uid of event.data.uids) {
          const placement = side.current.get(uid);
          if (!placement) continue;
          this.touch(placement.key);
          side.current.delete(uid);
          side.flagsNow.delete(uid);
          side.holders.set(placement.key, side.holders.get(placement.key)! - 1);
        }
        side.highestModseq = Math.max(side.highestModseq, event.data.modseq);
        return;
    }
  }

  private noteFlag(key: string, record: FlagRecord): void {
    let byFlag = this.side.flags.get(key);
    const lower = record.flag.toLowerCase();
    const known = byFlag?.get(lower);
    if (known && !laterRecord(record, known)) return;
    if (!byFlag || !this.ownFlags.has(byFlag)) {
      byFlag = new Map(byFlag);
      this.ownFlags.add(byFlag);
      this.side.flags.set(key, byFlag);
    }
    byFlag.set(lower, record);
  }
}
