// How one event sits in the `events` database: a standard MessagePack map (no msgpackr
// records), so each record decodes on its own, and by any MessagePack tool, for as long as
// the log is kept.
//
// A message's summary (the `summary` of a MessageAppended) is a MessagePack map of its own,
// stored as a bin, and decoded when first read (deferred-summary.ts). Records written before
// summaries were stored this way hold the map inline; both read alike.
import { Packr, type Options } from 'msgpackr';
import type { DomainEvent } from '../../domain/event.ts';
import { deferSummary, packedSummaryOf, packSummary, rememberPacked } from '../deferred-summary.ts';
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

/** A copy of a view (allocUnsafe and set: measured about twice as fast as Buffer.from of a view). */
function copyOf(bytes: Uint8Array): Buffer {
  const copy = Buffer.allocUnsafe(bytes.length);
  copy.set(bytes);
  return copy;
}

/** An event's data as stored: its summary, if it has one, as encoded bytes. */
function packedSummary(data: unknown): unknown {
  if (typeof data !== 'object' || data === null || !('summary' in data)) return data;
  let packed = packedSummaryOf(data);
  if (!packed) {
    // Not deferred, so reading it decodes nothing; an undefined one is left to be dropped.
    const { summary } = data as { summary: unknown };
    if (summary === undefined) return data;
    rememberPacked(data, (packed = packSummary(summary)));
  }
  // Copied key by key: a spread would decode a summary still deferred.
  const stored: Record<string, unknown> = {};
  for (const key of Object.keys(data)) stored[key] = key !== 'summary' ? (data as Record<string, unknown>)[key] : packed;
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
