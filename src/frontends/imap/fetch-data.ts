// The data items of one FETCH response for one message: everything but body sections comes
// from the summary in the mailbox view; sections read only their byte range of the blob.
import type { MessageRecord } from '../../projections/mailbox-view.ts';
import type { BlobStore } from '../../store/blob-store.ts';
import { filterHeader, locateSection } from './body-sections.ts';
import { formatFlags } from './flags.ts';
import { formatDateTime } from './protocol/dates.ts';
import { sectionLabel, type BodyItem, type FetchItem } from './protocol/fetch-items.ts';
import type { MessageSource } from './targets.ts';
import { literalBytes, quoted, type Piece } from './protocol/strings.ts';
import { bodyStructure, envelope } from './protocol/structure.ts';

export type FetchOptions = Readonly<{
  uid: boolean;
  /** FLAGS go with the response even when not asked for (a fetch set \Seen) */
  flags: boolean;
  /** the flags as this session shows them (with \Recent where it is recent here) */
  shownFlags: readonly string[];
}>;

/**
 * Pieces of "(...)" for one message: UID first when asked for or implied, FLAGS when they changed.
 * The message is read only for items beyond UID and FLAGS, so a FETCH of flags reads no message,
 * and one of envelopes or structures only the (cached) summary.
 */
export async function fetchData(
  uid: number,
  message: MessageSource,
  items: readonly FetchItem[],
  options: FetchOptions,
  blobs: BlobStore,
): Promise<Piece[]> {
  const out: Piece[][] = [];
  const kinds = new Set(items.map((i) => i.kind));
  if (options.uid || kinds.has('UID')) out.push([`UID ${uid}`]);
  if (options.flags && !kinds.has('FLAGS')) out.push([`FLAGS ${formatFlags(options.shownFlags)}`]);
  for (const item of items) {
    switch (item.kind) {
      case 'UID':
        break;
      case 'FLAGS':
        out.push([`FLAGS ${formatFlags(options.shownFlags)}`]);
        break;
      case 'INTERNALDATE':
        out.push([`INTERNALDATE ${quoted(formatDateTime(message.record().internalDate))}`]);
        break;
      case 'RFC822.SIZE':
        out.push([`RFC822.SIZE ${message.record().size}`]);
        break;
      case 'ENVELOPE':
        out.push([`ENVELOPE ${rendered(ENVELOPES, message.summary().envelope, envelope)}`]);
        break;
      case 'BODY':
        out.push([`BODY ${rendered(BODIES, message.summary().body, (body) => bodyStructure(body, false))}`]);
        break;
      case 'BODYSTRUCTURE':
        out.push([`BODYSTRUCTURE ${rendered(STRUCTURES, message.summary().body, (body) => bodyStructure(body, true))}`]);
        break;
      case 'section':
        out.push([`${label(item)} `, ...(await sectionBytes(message.record(), item, blobs))]);
        break;
    }
  }
  const pieces: Piece[] = ['('];
  out.forEach((item, i) => pieces.push(...(i ? [' '] : []), ...item));
  pieces.push(')');
  return pieces;
}

// A summary never changes once stored, and the view hands out the same object for the same
// message while it is in its cache: each rendering of it is kept beside it.
const ENVELOPES = new WeakMap<object, string>();
const BODIES = new WeakMap<object, string>();
const STRUCTURES = new WeakMap<object, string>();

function rendered<T extends object>(cache: WeakMap<object, string>, part: T, render: (part: T) => string): string {
  let text = cache.get(part);
  if (text === undefined) cache.set(part, (text = render(part)));
  return text;
}

function label(item: BodyItem): string {
  if (item.label !== 'BODY') return item.label;
  const origin = item.partial ? `<${item.partial.start}>` : '';
  return `BODY[${sectionLabel(item.section)}]${origin}`;
}

async function sectionBytes(record: MessageRecord, item: BodyItem, blobs: BlobStore): Promise<Piece[]> {
  const source = locateSection(record.summary, item.section);
  if (source.kind === 'empty') return ['""'];
  const partial = item.partial;
  if (source.kind === 'range') {
    // Only the bytes asked for are read, so a partial fetch of a large attachment stays small.
    let { start, end } = source.range;
    if (partial) {
      start = Math.min(end, start + partial.start);
      end = Math.min(end, start + partial.length);
    }
    return end > start ? literalBytes(await blobs.getRange(record.blobId, start, end)) : ['""'];
  }
  let bytes = filterHeader(await blobs.getRange(record.blobId, source.range.start, source.range.end), source.fields, source.not);
  if (partial) bytes = bytes.subarray(Math.min(bytes.length, partial.start), Math.min(bytes.length, partial.start + partial.length));
  return bytes.length ? literalBytes(bytes) : ['""'];
}
