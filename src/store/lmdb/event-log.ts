// The event log's layout in LMDB and every read and write of it. Three sub-databases:
//   events    position -> record (see record-codec.ts)   the log itself, in commit order
//   streams   [stream, revision] -> position             each stream's index into the log
//   eventIds  eventId -> position                        makes retried appends idempotent
import { asBinary, type Database, type DatabaseOptions, type RootDatabase } from 'lmdb';
import type { DomainEvent } from '../../domain/event.ts';
import { CorruptRecord, type RecordedEvent } from '../event-store.ts';
import { KEYS } from './key-encoder.ts';
import { recordEncoder, recordedAt, type StoredRecord } from './record-codec.ts';

/** Records encoded ahead of their write (see EventLog.encode). */
export type Encoded = Readonly<{ stream: string; firstRevision: number; bytes: readonly Buffer[] }>;

/** Above every revision: where one stream's range in the streams index ends. */
const LAST = Number.MAX_SAFE_INTEGER;

export class EventLog {
  readonly #root: RootDatabase;
  readonly #events: Database<unknown, number>;
  readonly #streams: Database<number, [string, number]>;
  readonly #eventIds: Database<number, string>;

  // The position after the last event written in the current write transaction, so that the
  // many appends batched into one transaction need not each seek the end of the log.
  #next: { txnId: number; position: number } | undefined;
  /** the last position this log object wrote or found: usually still the last one */
  #lastSeen = 0;

  constructor(root: RootDatabase) {
    this.#root = root;
    // lmdb-js takes `encoder` on sub-databases too; its typings list it for the root only.
    const events: DatabaseOptions & { encoder: typeof recordEncoder } = { ...KEYS, encoder: recordEncoder };
    this.#events = root.openDB<unknown, number>('events', events);
    this.#streams = root.openDB<number, [string, number]>('streams', { ...KEYS, encoding: 'ordered-binary' });
    this.#eventIds = root.openDB<number, string>('eventIds', { ...KEYS, encoding: 'ordered-binary' });
  }

  /** position of the last event, 0 when the log is empty */
  lastPosition(): number {
    for (const position of this.#events.getKeys({ reverse: true, limit: 1 })) return position;
    return 0;
  }

  /** In a write transaction: where the next event goes. */
  nextPosition(): number {
    const next = this.#next;
    if (next !== undefined && next.txnId === this.#root.getWriteTxnId()) return next.position;
    // Positions are dense (each write takes the one after the last), so the last one seen is
    // still the last when nothing follows it: two lookups instead of opening a cursor.
    const seen = this.#lastSeen;
    if (seen > 0 && this.#events.doesExist(seen) && !this.#events.doesExist(seen + 1)) return seen + 1;
    return (this.#lastSeen = this.lastPosition()) + 1;
  }

  /** After a failed append: LMDB gives the next transaction the same id, so forget the position. */
  forgetNextPosition(): void {
    this.#next = undefined;
  }

  /**
   * revision of the stream's last event, -1 when it has none. A `guess` (what an append
   * expects) that is right is confirmed by two lookups, without searching the index.
   */
  streamRevision(stream: string, guess?: number): number {
    // Revisions are dense: a stream at revision R has an event at every revision from 0 to R.
    if (guess !== undefined && (guess < 0 || this.#streams.doesExist([stream, guess])) && !this.#streams.doesExist([stream, guess + 1])) {
      return guess;
    }
    for (const [, revision] of this.#streams.getKeys({ start: [stream, LAST], end: [stream, -1], reverse: true, limit: 1 })) {
      return revision;
    }
    return -1;
  }

  /** where the event with this id is in the log, if it is stored */
  positionOfEventId(eventId: string): number | undefined {
    return this.#eventIds.get(eventId);
  }

  /**
   * Encodes the records of events to be written at these revisions, ahead of the write
   * transaction, so that encoding them does not hold up the commit.
   */
  encode(stream: string, firstRevision: number, events: readonly DomainEvent[]): Encoded {
    return { stream, firstRevision, bytes: events.map((event, i) => recordEncoder.encode({ stream, revision: firstRevision + i, event })) };
  }

  /**
   * In a write transaction, once the caller has checked revisions and ids in it; returns the last
   * position. Records `encoded` for this stream and first revision are written as they are.
   */
  write(stream: string, firstRevision: number, events: readonly DomainEvent[], encoded?: Encoded): number {
    const firstPosition = this.nextPosition();
    const ready = encoded?.stream === stream && encoded.firstRevision === firstRevision ? encoded.bytes : undefined;
    events.forEach((event, i) => {
      const revision = firstRevision + i;
      const position = firstPosition + i;
      const bytes = ready?.[i];
      this.#events.put(position, bytes ? asBinary(bytes) : ({ stream, revision, event } satisfies StoredRecord));
      this.#streams.put([stream, revision], position);
      this.#eventIds.put(event.meta.eventId, position);
    });
    this.#next = { txnId: this.#root.getWriteTxnId(), position: firstPosition + events.length };
    this.#lastSeen = firstPosition + events.length - 1;
    return this.#lastSeen;
  }

  /** Records from `from` on in position order, at most `limit`. */
  readForward(from: number, limit: number | undefined): RecordedEvent[] {
    const records: RecordedEvent[] = [];
    if (limit === 0) return records;
    for (const { key, value } of this.#events.getRange({ start: from, limit })) {
      records.push(recordedAt(key, value));
    }
    return records;
  }

  readStream(stream: string, from: number, direction: 'forwards' | 'backwards', limit: number | undefined): RecordedEvent[] {
    if (limit === 0) return [];
    const reverse = direction === 'backwards';
    // Revisions are dense, so nothing is at `from` or after when `from` itself is not stored: a
    // reader that is up to date (the usual case) pays one lookup and no cursor.
    if (!reverse && from >= 0 && !this.#streams.doesExist([stream, from])) return [];
    const range = { start: [stream, from], end: [stream, reverse ? -1 : LAST], limit, reverse };
    const records: RecordedEvent[] = [];
    for (const { key, value: position } of this.#streams.getRange(range)) {
      const record = this.recordAt(position);
      if (record.stream !== stream || record.revision !== key[1]) {
        throw new CorruptRecord(position, `indexed as ${stream}@${key[1]} but holds ${record.stream}@${record.revision}`);
      }
      records.push(record);
    }
    return records;
  }

  recordAt(position: number): RecordedEvent {
    const record = this.#events.get(position);
    if (record === undefined) throw new CorruptRecord(position, 'indexed by a stream but missing from the log');
    return recordedAt(position, record);
  }
}
