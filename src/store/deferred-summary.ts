// A message's summary (the `summary` of a MessageAppended: envelope and body structure, most of
// the event's bytes) as a store may hand it back: still encoded, decoded the first time it is
// read. A merge or a rebuild reads every message's event and most never look at the summary;
// an event read this way and stored again (a merge's copy) keeps the bytes it was read with,
// and the mailbox view stores those bytes as they are. The summary was checked as plain data
// when first stored, so the bytes need no second check.
// The bytes are a standard MessagePack map (no msgpackr records), readable by any decoder.
import { Packr, type Options } from 'msgpackr';

// skipValues drops undefined properties as JSON.stringify does; msgpackr's typings lack it.
const packr = new Packr({ useRecords: false, skipValues: [undefined] } as Options & { skipValues: unknown[] });

export const packSummary = (summary: unknown): Buffer => packr.pack(summary);
export const unpackSummary = (bytes: Uint8Array): unknown => packr.unpack(bytes);

/**
 * The encoded summary, on the event's data under a symbol: until it is decoded, and after, for
 * as long as it is the summary's own (set aside when another summary is assigned).
 */
const PACKED = Symbol('packed summary');
type Deferred = { summary?: unknown; [PACKED]?: Uint8Array | undefined };

function settle(data: Deferred, summary: unknown, bytes: Uint8Array | undefined): void {
  Object.defineProperty(data, PACKED, { value: bytes, configurable: true });
  Object.defineProperty(data, 'summary', { value: summary, enumerable: true, configurable: true, writable: true });
}

/** One accessor shared by every deferred summary. */
const ACCESSOR: PropertyDescriptor = {
  enumerable: true,
  configurable: true,
  get(this: Deferred): unknown {
    const bytes = this[PACKED]!;
    const summary = unpackSummary(bytes);
    settle(this, summary, bytes);
    return summary;
  },
  set(this: Deferred, value: unknown) {
    settle(this, value, undefined);
  },
};

/** Makes `data.summary` decode `bytes` (packSummary's) when first read; `bytes` must not change. */
export function deferSummary(data: object, bytes: Uint8Array): void {
  Object.defineProperty(data, PACKED, { value: bytes, configurable: true });
  Object.defineProperty(data, 'summary', ACCESSOR);
}

/**
 * Notes the bytes a store encoded `data.summary` to, so that what reads the event next (the
 * read models applied in the same commit) need not encode it again. Event data does not change
 * once stored.
 */
export function rememberPacked(data: object, bytes: Uint8Array): void {
  Object.defineProperty(data, PACKED, { value: bytes, configurable: true });
}

/** The encoded form of `data.summary`, when known: decoded or not, the same bytes. */
export function packedSummaryOf(data: object): Uint8Array | undefined {
  return (data as Deferred)[PACKED];
}
