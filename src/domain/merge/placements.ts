// What one store's history says about one mailbox: which message sits at which UID, every UID it
// ever gave, what was ever there, and the latest change to each flag of each message. The merge
// rules (mailbox-merge.ts) compare two of these.
import type { AppendedMessage, MailboxEvent, MessageAppended, MessageSource } from '../mailbox/events.ts';

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
  /** key and emailId: two stores agree on a UID only when they put the same `ident` there */
  ident: string;
  uid: number;
  /** the event that first placed this copy */
  placedBy: string;
  message: Omit<AppendedMessage, 'uid' | 'modseq' | 'merged'>;
}>;

/** The latest word on one flag of one message. */
export type FlagRecord = Readonly<{ flag: string; present: boolean; at: string; origin: string; eventId: string }>;

export type MailboxSide = {
  mailboxId: string;
  accountId: string;
  uidValidity: number;
  initialized: boolean;
  uidNext: number;
  highestModseq: number;
  /** uid -> ident of every UID this store ever gave, expunged or not */
  assigned: Map<number, string>;
  /** what sits at each UID now */
  current: Map<number, Placement>;
  /** the flags of what sits at each UID now */
  flagsNow: Map<number, string[]>;
  /** every key this store ever had in the mailbox */
  everKeys: Set<string>;
  /** keys present now */
  presentKeys: Set<string>;
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
    assigned: new Map(),
    current: new Map(),
    flagsNow: new Map(),
    everKeys: new Set(),
    presentKeys: new Set(),
    flags: new Map(),
  };
}

/** Total order of flag changes: later time wins, then origin, then event id. */
export function laterRecord(a: FlagRecord, b: FlagRecord): boolean {
  if (a.at !== b.at) return a.at > b.at;
  if (a.origin !== b.origin) return a.origin > b.origin;
  if (a.eventId !== b.eventId) return a.eventId > b.eventId;
  return a.present && !b.present;
}

export function noteFlag(into: Map<string, Map<string, FlagRecord>>, key: string, record: FlagRecord): void {
  let byFlag = into.get(key);
  if (!byFlag) into.set(key, (byFlag = new Map()));
  const lower = record.flag.toLowerCase();
  const known = byFlag.get(lower);
  if (!known || laterRecord(record, known)) byFlag.set(lower, record);
}

/** Folds a mailbox stream's events, in order, into what the merge needs to know of that store. */
export class SideBuilder {
  readonly side = emptySide();
  private readonly occurrences = new Map<string, number>();
  /** how many UIDs hold each key now (a key normally sits at one UID) */
  private readonly copies = new Map<string, number>();

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
        const { mailboxId: _, uid, modseq, merged, ...message } = event.data;
        side.mailboxId = event.data.mailboxId;
        let key = merged && currentKey(merged.key);
        if (key === undefined) {
          // The n-th placement of the same thing on one store is its own message.
          const base = baseKey(event);
          const n = (this.occurrences.get(base) ?? 0) + 1;
          this.occurrences.set(base, n);
          key = n === 1 ? base : `${base}#${n}`;
        }
        const placement: Placement = { key, ident: `${key}\n${message.emailId}`, uid, placedBy: merged?.placedBy ?? eventId, message };
        side.assigned.set(uid, placement.ident);
        side.current.set(uid, placement);
        side.flagsNow.set(uid, [...message.flags]);
        this.copies.set(key, (this.copies.get(key) ?? 0) + 1);
        side.everKeys.add(key);
        side.presentKeys.add(key);
        for (const flag of message.flags) noteFlag(side.flags, key, { flag, present: true, at, origin, eventId });
        side.uidNext = Math.max(side.uidNext, uid + 1);
        side.highestModseq = Math.max(side.highestModseq, modseq);
        return;
      }
      case 'FlagsChanged':
        for (const change of event.data.changes) {
          const placement = side.current.get(change.uid);
          if (!placement) continue;
          const lower = new Set(change.removed.map((f) => f.toLowerCase()));
          side.flagsNow.set(change.uid, [...side.flagsNow.get(change.uid)!.filter((f) => !lower.has(f.toLowerCase())), ...change.added]);
          for (const flag of change.added) noteFlag(side.flags, placement.key, { flag, present: true, at, origin, eventId });
          for (const flag of change.removed) noteFlag(side.flags, placement.key, { flag, present: false, at, origin, eventId });
        }
        side.highestModseq = Math.max(side.highestModseq, event.data.modseq);
        return;
      case 'MessagesExpunged':
        for (const uid of event.data.uids) {
          const placement = side.current.get(uid);
          if (!placement) continue;
          side.current.delete(uid);
          side.flagsNow.delete(uid);
          const left = this.copies.get(placement.key)! - 1;
          this.copies.set(placement.key, left);
          if (left === 0) side.presentKeys.delete(placement.key);
        }
        side.highestModseq = Math.max(side.highestModseq, event.data.modseq);
        return;
    }
  }
}
