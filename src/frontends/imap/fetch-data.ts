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
  /** FLAGS go with the response even when not asked for (a fetch set \Seen) */
  flags: boolean;
  /** the flags as this session shows them (with \Recent where it is recent here) */
  shownFlags: readonly string[];
}>;

/** What one FETCH asks of every message, worked out once for the command. */
export class FetchPlan {
  readonly uid: boolean;
  readonly flags: boolean;
  /** some item reads the message's bytes, so fetching it waits for the blob store */
  readonly readsBytes: boolean;

  constructor(readonly items: readonly FetchItem[], byUid: boolean) {
    this.uid = byUid || items.some((i) => i.kind === 'UID');
    this.flags = items.some((i) => i.kind === 'FLAGS');
    this.readsBytes = items.some((i) => i.kind === 'section');
  }
}

/**
 * Pieces of "(...)" for one message: UID first when asked for or implied, FLAGS when they changed.
 * The message is read only for items beyond UID and FLAGS, so a FETCH of flags reads no message,
 * and one of envelopes or structures only the (cached) summary. Without body sections the
 * pieces come back at once, not as a promise: a FETCH of many messages awaits no turn for each.
 */
export function fetchData(
  uid: number,
  message: MessageSource,
  plan: FetchPlan,
  options: FetchOptions,
  blobs: BlobStore,
): Piece[] | Promise<Piece[]> {
  // No closure for adding an item: made once per message, it showed in profiles.
  const pieces: Piece[] = ['('];
  if (plan.uid) pieces.push(`UID ${uid}`);
  if (options.flags && !plan.flags) pieces.push(pieces.length > 1 ? ` FLAGS ${formatFlags(options.shownFlags)}` : `FLAGS ${formatFlags(options.shownFlags)}`);
  if (plan.readsBytes) return withSections(pieces, message, plan, options, blobs);
  for (const it of plan.items) {
    const text = described(it, message, options);
    if (text !== undefined) pieces.push(pieces.length > 1 ? ` ${text}` : text);
  }
  pieces.push(')');
  return pieces;
}

async function withSections(pieces: Piece[], message: MessageSource, plan: FetchPlan, options: FetchOptions, blobs: BlobStore): Promise<Piece[]> {
  for (const it of plan.items) {
    if (pieces.length > 1 && it.kind !== 'UID') pieces.push(' ');
    if (it.kind === 'section') pieces.push(`${label(it)} `, ...(await sectionBytes(message.record(), it, blobs)));
    else {
      const text = described(it, message, options);
      if (text !== undefined) pieces.push(text);
    }
  }
  pieces.push(')');
  return pieces;
}

/** One item other than a body section; undefined for UID, which goes first. */
function described(item: FetchItem, message: MessageSource, options: FetchOptions): string | undefined {
  switch (item.kind) {
    case 'UID':
    case 'section':
      return undefined;
    case 'FLAGS':
      return `FLAGS ${formatFlags(options.shownFlags)}`;
    case 'INTERNALDATE':
      return `INTERNALDATE ${quoted(formatDateTime(message.record().internalDate))}`;
    case 'RFC822.SIZE':
      return `RFC822.SIZE ${message.record().size}`;
    case 'ENVELOPE': {
      const parsed = message.summary().envelope;
      return `ENVELOPE ${(renderings(parsed).text ??= envelope(parsed))}`;
    }
    case 'BODY': {
      const body = message.summary().body;
      return `BODY ${(renderings(body).body ??= bodyStructure(body, false))}`;
    }
    case 'BODYSTRUCTURE': {
      const body = message.summary().body;
      return `BODYSTRUCTURE ${(renderings(body).structure ??= bodyStructure(body, true))}`;
    }
  }
}

// A summary never changes once stored, and the view hands out the same object for the same
// message while it is in its cache: each rendering of it is kept on it, under a symbol and not
// enumerable, so that nothing that stores or compares summaries sees it.
const RENDERED = Symbol('rendered');
type Renderings = { text?: string; body?: string; structure?: string };

function renderings(part: object): Renderings {
  const kept = (part as { [RENDERED]?: Renderings })[RENDERED];
  if (kept !== undefined) return kept;
  const made: Renderings = {};
  Object.defineProperty(part, RENDERED, { value: made });
  return made;
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
