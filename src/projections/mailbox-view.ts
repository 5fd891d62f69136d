// The mailbox view: every message by UID with its flags and MODSEQ, the mailbox's counters,
// and the change feed ("what changed and what was expunged since MODSEQ n").
import type { Database } from 'lmdb';
import type { AppendedMessage, MailboxEvent, MessageAppended } from '../domain/mailbox/events.ts';
import type { MessageLookup } from '../domain/mail-service.ts';
import { hasFlag } from '../domain/mailbox/flags.ts';
import type { MessageSummary } from '../domain/message/summary.ts';
import { packedSummaryOf, packSummary, unpackSummary } from '../store/deferred-summary.ts';
import { DecodedCache } from '../store/lmdb/decoded-cache.ts';
import { lmdbKeyValue } from './lmdb-kv.ts';
import type { KeyValue, Projection } from './projection.ts';

export type MessageRecord = AppendedMessage & {
  /** MODSEQ of the message's last change (arrival or flags) */
  modseq: number;
  /** id of the event that placed this copy here: tells two copies of one email apart */
  placedBy: string;
};

export type MailboxStatus = {
  mailboxId: string;
  accountId: string;
  uidValidity: number;
  uidNext: number;
  highestModseq: number;
  messages: number;
  unseen: number;
  deleted: number;
  size: number;
};

export type Changes = { changed: MessageRecord[]; expunged: number[]; highestModseq: number };

/** What is stored under 'msg': the record without its summary, which is read only when asked for. */
type StoredMessage = Omit<MessageRecord, 'summary'>;

// Keys: ['status', mailboxId] -> MailboxStatus; ['msg', mailboxId, uid] -> StoredMessage;
// ['sum', mailboxId, uid] -> the MessageSummary's bytes as the log stores them (envelope,
// structure: written once, large; a view written before holds the decoded map);
// ['mod', mailboxId, modseq, uid] -> 1 (message changed at modseq); ['gone', mailboxId, modseq] -> uids
// Flags change often and the summary never: kept apart, a flag change or a FETCH FLAGS never
// decodes or rewrites the summary.
function counts(status: MailboxStatus, message: { flags: string[]; size: number }, sign: 1 | -1) {
  status.messages += sign;
  status.size += sign * message.size;
  if (!hasFlag(message.flags, '\\Seen')) status.unseen += sign;
  if (hasFlag(message.flags, '\\Deleted')) status.deleted += sign;
}

function evolve(kv: KeyValue, event: MailboxEvent): void {
  const placedBy = event.meta.eventId;
  if (event.type === 'MailboxInitialized') {
    const { mailboxId, accountId, uidValidity } = event.data;
    const status: MailboxStatus = { mailboxId, accountId, uidValidity, uidNext: 1, highestModseq: 0, messages: 0, unseen: 0, deleted: 0, size: 0 };
    kv.put(['status', mailboxId], status);
    return;
  }
  const { mailboxId } = event.data;
  const status = kv.get<MailboxStatus>(['status', mailboxId]);
  if (!status) throw new Error(`${event.type} for mailbox ${mailboxId} before it was initialized`);
  switch (event.type) {
    case 'MessageAppended': {
      // A copy a merge placed keeps the placement it had, so its POP3 UIDL does not change.
      const fields: Record<string, unknown> = {};
      for (const key of Object.keys(event.data) as (keyof MessageAppended['data'])[]) {
        if (key !== 'mailboxId' && key !== 'summary') fields[key] = event.data[key];
      }
      const message = { ...fields, placedBy: event.data.merged?.placedBy ?? placedBy } as StoredMessage;
      kv.put(['msg', mailboxId, message.uid], message);
      // Stored encoded as the log stores it: the bytes the log handed back or just wrote are
      // used as they are (a merge's copies are not decoded to be encoded again).
      kv.put(['sum', mailboxId, message.uid], packedSummaryOf(event.data) ?? packSummary(event.data.summary));
      kv.put(['mod', mailboxId, message.modseq, message.uid], 1);
      counts(status, message, 1);
      status.uidNext = Math.max(status.uidNext, message.uid + 1);
      status.highestModseq = Math.max(status.highestModseq, message.modseq);
      break;
    }
    case 'FlagsChanged': {
      const { modseq } = event.data;
      for (const { uid, added, removed } of event.data.changes) {
        const message = kv.get<StoredMessage>(['msg', mailboxId, uid]);
        if (!message) continue;
        counts(status, message, -1);
        kv.remove(['mod', mailboxId, message.modseq, uid]);
        message.flags = [...message.flags.filter((f) => !removed.some((r) => r.toLowerCase() === f.toLowerCase())), ...added];
        message.modseq = modseq;
        counts(status, message, 1);
        kv.put(['msg', mailboxId, uid], message);
        kv.put(['mod', mailboxId, modseq, uid], 1);
      }
      status.highestModseq = Math.max(status.highestModseq, modseq);
      break;
    }
    case 'MessagesExpunged': {
      const { modseq, uids } = event.data;
      const gone: number[] = [];
      for (const uid of uids) {
        const message = kv.get<StoredMessage>(['msg', mailboxId, uid]);
        if (!message) continue;
        counts(status, message, -1);
        kv.remove(['msg', mailboxId, uid]);
        kv.remove(['sum', mailboxId, uid]);
        kv.remove(['mod', mailboxId, message.modseq, uid]);
        gone.push(uid);
      }
      if (gone.length) kv.put(['gone', mailboxId, modseq], gone);
      status.highestModseq = Math.max(status.highestModseq, modseq);
      break;
    }
  }
  kv.put(['status', mailboxId], status);
}

const MAILBOX_TYPES = new Set<string>(['MailboxInitialized', 'MessageAppended', 'FlagsChanged', 'MessagesExpunged']);

export const mailboxProjection: Projection = {
  name: 'mailboxes',
  version: 2,
  evolve(kv, recorded) {
    if (MAILBOX_TYPES.has(recorded.event.type)) evolve(kv, recorded.event as MailboxEvent);
  },
};

/** Where a record's summary comes from, kept on the record under a symbol until it is read. */
const SOURCE = Symbol('summary source');
type Lazy = StoredMessage & { [SOURCE]: { view: MailboxView; mailboxId: string; summary?: MessageSummary } };

/** One accessor shared by every record (a record is made for each message a command touches). */
const LAZY_SUMMARY: PropertyDescriptor = {
  enumerable: true,
  configurable: true,
  get(this: Lazy): MessageSummary {
    const source = this[SOURCE];
    return (source.summary ??= source.view.storedSummary(source.mailboxId, this.uid));
  },
  set(this: Lazy, value: MessageSummary) {
    this[SOURCE].summary = value;
  },
};

/**
 * Summaries decoded lately, by mailbox and UID (a summary never changes once stored, and a UID is
 * never reused within a mailbox, so nothing goes stale). Two generations of up to HALF each: a hit
 * in the newer is a plain lookup, one in the older moves the entry up, and when the newer fills,
 * it becomes the older and the oldest are dropped together. Close to least-recently-used, without
 * reordering a map on every hit (FETCH of envelopes reads one summary per message).
 */
const HALF = 10_000;

class SummaryCache {
  // By mailbox, then UID: the mailbox id a session passes is the same string every time, so a
  // lookup hashes nothing new (a key joined from both would be a fresh string per lookup).
  #newer = new Map<string, Map<number, MessageSummary>>();
  #older = new Map<string, Map<number, MessageSummary>>();
  #newerSize = 0;

  get(mailboxId: string, uid: number): MessageSummary | undefined {
    const hit = this.#newer.get(mailboxId)?.get(uid);
    if (hit !== undefined) return hit;
    const old = this.#older.get(mailboxId)?.get(uid);
    if (old !== undefined) this.set(mailboxId, uid, old);
    return old;
  }

  set(mailboxId: string, uid: number, summary: MessageSummary): void {
    if (this.#newerSize >= HALF) {
      this.#older = this.#newer;
      this.#newer = new Map();
      this.#newerSize = 0;
    }
    let byUid = this.#newer.get(mailboxId);
    if (!byUid) this.#newer.set(mailboxId, (byUid = new Map()));
    if (!byUid.has(uid)) this.#newerSize++;
    byUid.set(uid, summary);
  }
}

/** Reads of the mailbox view, for IMAP, POP3 and the CLI. */
export class MailboxView implements MessageLookup {
  private readonly kv: KeyValue;
  private readonly summaries = new SummaryCache();
  private readonly statuses: DecodedCache<MailboxStatus>;
  /**
   * `eager`: every record comes with its summary read at once, for a view that is closed
   * while its records are still in use (a point-in-time view).
   */
  constructor(db: Database, private readonly options: { eager?: boolean } = {}) {
    this.kv = lmdbKeyValue(db);
    this.statuses = new DecodedCache(db);
  }

  status(mailboxId: string): MailboxStatus | undefined {
    return this.statuses.get(mailboxId, ['status', mailboxId]);
  }

  /** Messages in UID order (their position is the message sequence number). */
  messages(mailboxId: string): MessageRecord[] {
    return [...this.kv.children<StoredMessage>(['msg', mailboxId])].map((e) => this.withSummary(mailboxId, e.value));
  }

  /**
   * Every message's UID and flags, in UID order: what a session needs to select the mailbox,
   * without the rest of each record being made into a MessageRecord.
   */
  listing(mailboxId: string): Pick<MessageRecord, 'uid' | 'flags'>[] {
    return [...this.kv.children<StoredMessage>(['msg', mailboxId])].map(({ value }) => value);
  }

  /** UIDs in ascending order, from `from` on when given. */
  uids(mailboxId: string, from?: number): number[] {
    return [...this.kv.children<StoredMessage>(['msg', mailboxId], from)].map((e) => e.key[2] as number);
  }

  message(mailboxId: string, uid: number): MessageRecord | undefined {
    const stored = this.kv.get<StoredMessage>(['msg', mailboxId, uid]);
    return stored && this.withSummary(mailboxId, stored);
  }

  /**
   * The record with its summary read on first use: most reads (flags, sizes, UIDs) never touch
   * it. The property is an own enumerable one, so a spread or destructuring copies the summary.
   */
  private withSummary(mailboxId: string, stored: StoredMessage): MessageRecord {
    if (this.options.eager) return { ...stored, summary: this.storedSummary(mailboxId, stored.uid) };
    (stored as Lazy)[SOURCE] = { view: this, mailboxId };
    return Object.defineProperty(stored, 'summary', LAZY_SUMMARY) as MessageRecord;
  }

  /** The summary of a message whose record was read: the view holds one for every message. */
  storedSummary(mailboxId: string, uid: number): MessageSummary {
    const summary = this.summary(mailboxId, uid);
    if (!summary) throw new Error(`mailbox view: message ${uid} of ${mailboxId} has no summary`);
    return summary;
  }

  /**
   * A message's summary, from the cache or the view, without reading its record; undefined when
   * the message is not in the view. A summary stays cached after its message is expunged: a
   * session that still counts that UID may be shown its envelope, never another message's.
   */
  summary(mailboxId: string, uid: number): MessageSummary | undefined {
    const cached = this.summaries.get(mailboxId, uid);
    if (cached) return cached;
    const stored = this.kv.get<MessageSummary | Uint8Array>(['sum', mailboxId, uid]);
    if (stored === undefined) return undefined;
    // Bytes read from the database are decoded before the next read can reuse their buffer.
    const summary = stored instanceof Uint8Array ? (unpackSummary(stored) as MessageSummary) : stored;
    this.summaries.set(mailboxId, uid, summary);
    return summary;
  }

  async getMessages(mailboxId: string, uids: readonly number[]): Promise<MessageRecord[]> {
    return [...new Set(uids)].sort((a, b) => a - b).flatMap((uid) => this.message(mailboxId, uid) ?? []);
  }

  /** Messages changed (arrived or flags) and UIDs expunged after `modseq`. */
  changesSince(mailboxId: string, modseq: number): Changes {
    const status = this.status(mailboxId);
    // Nothing changed since: no need to look through the change feed (every IMAP command asks).
    if (status && status.highestModseq <= modseq) return { changed: [], expunged: [], highestModseq: status.highestModseq };
    const changedUids = new Set<number>();
    for (const { key } of this.kv.children(['mod', mailboxId], modseq + 1)) changedUids.add(key[3] as number);
    const expunged: number[] = [];
    for (const { value } of this.kv.children<number[]>(['gone', mailboxId], modseq + 1)) expunged.push(...value);
    const changed = [...changedUids].sort((a, b) => a - b).flatMap((uid) => this.message(mailboxId, uid) ?? []);
    return { changed, expunged: expunged.sort((a, b) => a - b), highestModseq: status?.highestModseq ?? 0 };
  }
}
