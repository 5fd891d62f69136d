// How one event sits in the `events` database: a standard MessagePack map (no msgpackr
// records), so each record decodes on its own, and by any MessagePack tool, for as long as
// the log is kept.
//
// A message's summary (the `summary` of a MessageAppended: envelope and body structure, most
// of the event's bytes) is a MessagePack map of its own, stored as a bin. A reader decodes it
// the first time it asks for it: a merge or a rebuild reads every message's event and most of
// them never look at the summary, and re-encoding such an event writes the bytes as they were.
// Records written before summaries were stored this way hold the map inline; both read alike.
import { Packr, type Options } from 'msgpackr';
import type { DomainEvent } from '../../domain/event.ts';
import { CorruptRecord, type RecordedEvent } from '../event-store.ts';

// skipValues drops undefined properties exactly as JSON.stringify does, so both stores
// give back the same event; msgpackr documents it but its typings lack it.
const options: Options & { skipValues: unknown[] } = { useRecords: false, skipValues: [undefined] };
const packr = new Packr(options);

export type StoredRecord = Readonly<{ stream: string; revision: number; event: DomainEvent }>;

/** What the decoder hands back for bytes that are not MessagePack: the reason, not a throw. */
export class Undecodable {
  constructor(readonly reason: string) {}
}

/**
 * The value encoder lmdb-js uses for the events database. Decoding straight from LMDB's
 * memory saves a copy per record; a failure is returned, not thrown, so that the reader,
 * which knows the record's position, can report it.
 */
export const recordEncoder = {
  encode: (record: StoredRecord): Buffer =>
    packr.pack({ stream: record.stream, revision: record.revision, event: plainEvent(record.event) }),
  decode: (bytes: Uint8Array, end?: number): unknown => {
    try {
      const record = packr.unpack(bytes, end) as { event?: { data?: { summary?: unknown } } };
      const data = record?.event?.data;
      // A view into the reader's buffer, which the next read reuses: kept as a copy.
      if (data?.summary instanceof Uint8Array) deferSummary(data, copyOf(data.summary));
      return record;
    } catch (error) {
      return new Undecodable(`undecodable MessagePack (${error instanceof Error ? error.message : String(error)})`);
    }
  },
};

function plainEvent(event: DomainEvent): DomainEvent {
  return { type: event.type, data: packedSummary(event.data), meta: event.meta };
}

/** The encoded summary of an event read and not yet decoded, kept on its data under a symbol. */
const PACKED = Symbol('packed summary');
type Deferred = { summary?: unknown; [PACKED]?: Uint8Array };

/** One accessor shared by every record: decodes the summary once, then holds it as a plain value. */
const DEFERRED_SUMMARY: PropertyDescriptor = {
  enumerable: true,
  configurable: true,
  get(this: Deferred): unknown {
    const summary: unknown = packr.unpack(this[PACKED]!);
    Object.defineProperty(this, 'summary', { value: summary, enumerable: true, configurable: true, writable: true });
    return summary;
  },
  set(this: Deferred, value: unknown) {
    Object.defineProperty(this, 'summary', { value, enumerable: true, configurable: true, writable: true });
  },
};

/** A copy of a view (allocUnsafe and set: measured about twice as fast as Buffer.from of a view). */
function copyOf(bytes: Uint8Array): Buffer {
  const copy = Buffer.allocUnsafe(bytes.length);
  copy.set(bytes);
  return copy;
}

function deferSummary(data: Deferred, bytes: Uint8Array): void {
  Object.defineProperty(data, PACKED, { value: bytes, configurable: true });
  Object.defineProperty(data, 'summary', DEFERRED_SUMMARY);
}

/** An event's data as stored: its summary, if it has one, as encoded bytes. */
function packedSummary(data: unknown): unknown {
  const deferred = data as Deferred | undefined;
  if (typeof deferred !== 'object' || deferred === null || !('summary' in deferred)) return data;
  const still = Object.getOwnPropertyDescriptor(deferred, 'summary')?.get === DEFERRED_SUMMARY.get;
  // Copied key by key: a spread would decode a summary still deferred.
  const stored: Record<string, unknown> = {};
  for (const key of Object.keys(deferred)) {
    stored[key] = key !== 'summary' ? (deferred as Record<string, unknown>)[key] : still ? deferred[PACKED] : packr.pack(deferred.summary);
  }
  return stored;
}

/** The record stored at `position`, checked; throws CorruptRecord rather than return a guess. */
export function recordedAt(position: number, record: unknown): RecordedEvent {
  if (record instanceof Undecodable) throw new CorruptRecord(position, record.reason);
  if (!isObject(record)) throw new CorruptRecord(position, 'not a map');
  const { stream, revision, event } = record;
  if (typeof stream !== 'string' || stream === '') throw new CorruptRecord(position, 'no stream name');
  if (typeof revision !== 'number' || !Number.isSafeInteger(revision) || revision < 0) {
    throw new CorruptRecord(position, 'no valid revision');
  }
  if (!isDomainEvent(event)) throw new CorruptRecord(position, 'no event with a type and meta.eventId');
  return { stream, revision, position, event };
}

function isDomainEvent(value: unknown): value is DomainEvent {
  return (
    isObject(value) &&
    typeof value.type === 'string' &&
    isObject(value.meta) &&
    typeof value.meta.eventId === 'string'
  );
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
