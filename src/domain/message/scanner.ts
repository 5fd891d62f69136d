// Incremental MIME structure scanner: fed a raw RFC 5322 message in chunks of any size (SMTP
// DATA, an IMAP APPEND literal), it returns the summary a delivery event carries. It keeps
// header blocks (capped) and line and boundary state, never bodies: a 20 MB attachment costs
// a few bytes. Boundary and line rules follow RFC 2046 as Dovecot applies them.
import { CONTENT_HEADERS, readContent, type ContentFields, type PartContext } from './content.ts';
import { ENVELOPE_HEADERS, readEnvelope, readSearchFields, type SearchFields } from './envelope.ts';
import { parseHeaderFields } from './header.ts';
import type { BodyPart, Envelope, MessageSummary } from './summary.ts';
import { ByteCollector, utf8Bytes } from './text.ts';

export type ScannerLimits = Readonly<{
  /** header bytes kept per entity; the rest of a larger header is read past, not kept */
  maxHeaderBytes?: number;
  /** nesting depth below which multiparts and messages are no longer opened */
  maxDepth?: number;
  /** entities per message; past it the remaining delimiters are read as body */
  maxParts?: number;
}>;

// Depth and parts are Dovecot's defaults (max_nested_mime_parts, max_total_mime_parts), so a
// mailbox moved from Dovecot shows the same tree.
const DEFAULT_LIMITS = { maxHeaderBytes: 1024 * 1024, maxDepth: 100, maxParts: 10_000 } as const;

const LF = 0x0a;
const CR = 0x0d;
const DASH = 0x2d;

const EMPTY_ENVELOPE: Envelope = {
  date: null, subject: null, from: null, sender: null, replyTo: null,
  to: null, cc: null, bcc: null, inReplyTo: null, messageId: null,
};

type Entity = {
  readonly parent: Entity | null;
  readonly context: PartContext;
  readonly depth: number;
  headerStart: number;
  /** -1 while the header is still being read */
  bodyStart: number;
  /** line feeds before bodyStart, so lines = line feeds inside the body */
  lfAtBodyStart: number;
  kind: 'leaf' | 'multipart' | 'message';
  content: ContentFields | null;
  envelope: Envelope | null;
  search: SearchFields | null;
  readonly parts: BodyPart[];
  message: { envelope: Envelope; body: BodyPart } | null;
};

/** An active "--boundary" and the multipart whose children it separates. */
type Boundary = { readonly delimiter: Uint8Array; readonly owner: Entity };

function isWanted(name: string): boolean {
  return CONTENT_HEADERS.has(name) || ENVELOPE_HEADERS.has(name);
}

export class MessageScanner {
  private readonly limits: Required<ScannerLimits>;
  private readonly header: ByteCollector;
  /** the current header block outgrew maxHeaderBytes: stop keeping it, keep reading it */
  private headerFull = false;
  private headerAtLineStart = 0;

  private offset = 0;
  private lfCount = 0;
  private lineStart = 0;
  private lineLf = 0;
  private lineLength = 0;
  private lastByte = -1;
  private byteBeforeLast = -1;
  /** length of the previous line's ending: it belongs to a delimiter that follows (RFC 2046) */
  private prevEol = 0;
  /** the first bytes of the current line, enough to recognise any active delimiter */
  private prefix = new Uint8Array(2);
  private prefixLength = 0;

  private readonly root: Entity;
  private readonly stack: Entity[];
  private boundaries: Boundary[] = [];
  private partCount = 1;
  /** maxParts reached: no delimiter is recognised any more */
  private frozen = false;
  private result: BodyPart | null = null;
  private finished = false;

  constructor(limits: ScannerLimits = {}) {
    this.limits = { ...DEFAULT_LIMITS, ...limits };
    this.header = new ByteCollector(this.limits.maxHeaderBytes);
    this.root = newEntity(null, 'top', 0);
    this.stack = [this.root];
  }

  push(chunk: Uint8Array): void {
    if (this.finished) throw new Error('MessageScanner: push() after finish()');
    let i = 0;
    while (i < chunk.length) {
      const lf = chunk.indexOf(LF, i);
      const end = lf < 0 ? chunk.length : lf + 1;
      this.take(chunk, i, end);
      i = end;
      if (lf >= 0) this.endLine(this.byteBeforeLast === CR ? 2 : 1);
    }
  }

  finish(): MessageSummary {
    if (this.finished) throw new Error('MessageScanner: finish() called twice');
    this.finished = true;
    // A last line without a line ending still counts, and may be a close delimiter.
    if (this.lineLength > 0) this.endLine(0);
    while (this.stack.length > 0) this.closeCurrent(this.offset, this.lfCount);
    const body = this.result as BodyPart;
    const search = this.root.search as SearchFields;
    return { envelope: this.root.envelope ?? EMPTY_ENVELOPE, body, size: this.offset, headerSize: body.bodyStart, ...search };
  }

  private current(): Entity {
    return this.stack[this.stack.length - 1] as Entity;
  }

  /** Bytes [start, end) of `chunk`, all within one line. */
  private take(chunk: Uint8Array, start: number, end: number): void {
    if (this.current().bodyStart < 0 && !this.headerFull && !this.header.append(chunk, start, end)) {
      this.headerFull = true;
      // Keep only whole lines, so the fields that were kept parse as they were written.
      this.header.truncate(this.headerAtLineStart);
    }
    // A byte at a time: the prefix is a few bytes, and a view per line costs more than the copy.
    const room = Math.min(this.prefix.length - this.prefixLength, end - start);
    for (let k = 0; k < room; k++) this.prefix[this.prefixLength + k] = chunk[start + k] as number;
    if (room > 0) this.prefixLength += room;
    this.byteBeforeLast = end - start >= 2 ? (chunk[end - 2] as number) : this.lastByte;
    this.lastByte = chunk[end - 1] as number;
    this.lineLength += end - start;
    this.offset += end - start;
  }

  private endLine(eol: number): void {
    if (eol > 0) this.lfCount++;
    this.handleLine(this.lineLength - eol, eol);
    this.lineStart = this.offset;
    this.lineLf = this.lfCount;
    this.lineLength = 0;
    this.prefixLength = 0;
    this.lastByte = -1;
    this.byteBeforeLast = -1;
    this.prevEol = eol;
    this.headerAtLineStart = this.header.length;
  }

  private handleLine(contentLength: number, eol: number): void {
    const delimiter = this.matchDelimiter(contentLength);
    if (delimiter !== null) {
      this.onDelimiter(delimiter.boundary, delimiter.close, eol);
      return;
    }
    const entity = this.current();
    if (entity.bodyStart < 0 && contentLength === 0) this.endHeader(entity, this.offset, this.lfCount, false);
  }

  /**
   * A line is a delimiter when it starts with "--" and an active boundary; the rest of the line
   * (transport padding or worse) is ignored. Of several matches the longest wins, as in Dovecot.
   */
  private matchDelimiter(contentLength: number): { boundary: Boundary; close: boolean } | null {
    if (this.frozen || this.boundaries.length === 0) return null;
    const available = Math.min(this.prefixLength, contentLength);
    const p = this.prefix;
    if (available < 2 || p[0] !== DASH || p[1] !== DASH) return null;
    let best: Boundary | null = null;
    // Innermost first: a nested multipart that reuses its parent's boundary takes the line.
    for (let k = this.boundaries.length - 1; k >= 0; k--) {
      const b = this.boundaries[k] as Boundary;
      const d = b.delimiter;
      if (d.length > available || (best !== null && d.length <= best.delimiter.length)) continue;
      if (d.every((byte, j) => p[j] === byte)) best = b;
    }
    if (best === null) return null;
    const n = best.delimiter.length;
    const close = available >= n + 2 && p[n] === DASH && p[n + 1] === DASH;
    if (!close && this.partCount >= this.limits.maxParts) {
      this.frozen = true;
      return null;
    }
    return { boundary: best, close };
  }

  private onDelimiter(boundary: Boundary, close: boolean, eol: number): void {
    // The delimiter line is no part of a header being read.
    if (this.current().bodyStart < 0) this.header.truncate(this.headerAtLineStart);
    // The line ending before "--boundary" belongs to the delimiter (RFC 2046 section 5.1.1).
    const end = this.lineStart - this.prevEol;
    const lfAtEnd = this.lineLf - (this.prevEol > 0 ? 1 : 0);
    this.yieldLineEnding(boundary.owner, end);
    // Parts left open by a missing close delimiter end here too.
    while (this.current() !== boundary.owner) this.closeCurrent(end, lfAtEnd);
    const index = this.boundaries.indexOf(boundary);
    this.boundaries = this.boundaries.slice(0, close ? index : index + 1);
    this.fitPrefix();
    if (!close && eol > 0) {
      const owner = boundary.owner;
      this.open(owner, this.offset, owner.content?.subtype === 'digest' ? 'digest' : 'part');
    }
  }

  /**
   * When a delimiter directly follows the blank line that ended a header, that blank line is the
   * delimiter's line ending, so the header ends before it and the body is empty (as in Dovecot);
   * a message/rfc822 opened after it moves back with its parent's body.
   */
  private yieldLineEnding(owner: Entity, end: number): void {
    for (let k = this.stack.indexOf(owner) + 1; k < this.stack.length; k++) {
      const entity = this.stack[k] as Entity;
      if (entity.bodyStart > end) entity.bodyStart = Math.max(end, entity.headerStart);
      else if (entity.context === 'message' && entity.headerStart > end && entity.parent !== null) {
        entity.headerStart = entity.parent.bodyStart;
      }
    }
  }

  private open(parent: Entity, at: number, context: PartContext): void {
    this.stack.push(newEntity(parent, context, at));
    this.partCount++;
  }

  /**
   * Ends the current entity's header at `bodyStart`. `cut` when a delimiter or the end of the
   * message ended it instead of a blank line: then a multipart gets no boundary (it has no body
   * to hold parts), as in Dovecot.
   */
  private endHeader(entity: Entity, bodyStart: number, lfAtBodyStart: number, cut: boolean): void {
    const header = parseHeaderFields(this.header.view(), isWanted);
    this.header.reset();
    this.headerFull = false;
    entity.bodyStart = bodyStart;
    entity.lfAtBodyStart = lfAtBodyStart;
    const content = readContent(header, entity.context);
    entity.content = content.fields;
    if (entity.context === 'top' || entity.context === 'message') {
      entity.envelope = readEnvelope(header);
      if (entity.context === 'top') entity.search = readSearchFields(header, entity.envelope);
    }
    const nestable = entity.depth < this.limits.maxDepth;
    if (content.fields.type === 'multipart') {
      // Past the depth limit a multipart keeps its type but gets no parts.
      entity.kind = 'multipart';
      if (!cut && nestable && content.boundary !== null) {
        this.boundaries.push({ delimiter: utf8Bytes(`--${content.boundary}`), owner: entity });
        this.fitPrefix();
      }
    } else if (nestable && isEncapsulated(content.fields)) {
      entity.kind = 'message';
      this.open(entity, bodyStart, 'message');
    }
  }

  /** Closes the innermost entity: its body ends at `end` (never before it starts). */
  private closeCurrent(end: number, lfAtEnd: number): void {
    const entity = this.current();
    if (entity.bodyStart < 0) {
      this.endHeader(entity, Math.max(entity.headerStart, end), lfAtEnd, true);
      // A message/rfc822 whose header was cut has just opened an empty message: close it too.
      if (this.current() !== entity) this.closeCurrent(end, lfAtEnd);
    }
    this.stack.pop();
    const part = buildPart(entity, end, lfAtEnd);
    const parent = entity.parent;
    if (parent === null) this.result = part;
    else if (parent.kind === 'multipart') parent.parts.push(part);
    else parent.message = { envelope: entity.envelope ?? EMPTY_ENVELOPE, body: part };
  }

  /** The prefix must hold the longest delimiter plus a closing "--". */
  private fitPrefix(): void {
    const longest = this.boundaries.reduce((max, b) => Math.max(max, b.delimiter.length), 0);
    const needed = Math.max(2, longest + 2);
    // Called while a line is being handled; the prefix is reset before the next line.
    if (needed !== this.prefix.length) this.prefix = new Uint8Array(needed);
  }
}

function newEntity(parent: Entity | null, context: PartContext, headerStart: number): Entity {
  return {
    parent,
    context,
    depth: parent === null ? 0 : parent.depth + 1,
    headerStart,
    bodyStart: -1,
    lfAtBodyStart: 0,
    kind: 'leaf',
    content: null,
    envelope: null,
    search: null,
    parts: [],
    message: null,
  };
}

/** message/rfc822 (and RFC 6532 message/global) is parsed in place unless it is encoded. */
function isEncapsulated(c: ContentFields): boolean {
  return (
    c.type === 'message' &&
    (c.subtype === 'rfc822' || c.subtype === 'global') &&
    (c.encoding === '7bit' || c.encoding === '8bit' || c.encoding === 'binary')
  );
}

function buildPart(entity: Entity, end: number, lfAtEnd: number): BodyPart {
  const bodyEnd = Math.max(entity.bodyStart, end);
  const c = entity.content as ContentFields;
  // Written out rather than spread: every part then has the same shape, which V8 builds fast.
  const part: BodyPart = {
    type: c.type,
    subtype: c.subtype,
    params: c.params,
    id: c.id,
    description: c.description,
    encoding: c.encoding,
    md5: c.md5,
    disposition: c.disposition,
    language: c.language,
    location: c.location,
    headerStart: entity.headerStart,
    bodyStart: entity.bodyStart,
    bodyEnd,
    size: bodyEnd - entity.bodyStart,
    lines: bodyEnd > entity.bodyStart ? lfAtEnd - entity.lfAtBodyStart : 0,
  };
  if (entity.kind === 'multipart') return { ...part, parts: entity.parts };
  if (entity.kind === 'message' && entity.message !== null) return { ...part, message: entity.message };
  return part;
}

/** One-shot convenience, for tests and small messages already in memory. */
export function summarize(raw: Uint8Array | string): MessageSummary {
  const scanner = new MessageScanner();
  scanner.push(typeof raw === 'string' ? utf8Bytes(raw) : raw);
  return scanner.finish();
}
