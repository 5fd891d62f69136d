// The IMAP command reader (RFC 3501 section 9, RFC 7888 literals): fed bytes in chunks of any
// size, it answers one event at a time — a whole request, "need more", a literal waiting for the
// connection's decision (size checked before any "+ go ahead"), bytes of a streamed literal, or
// a bad line it has skipped. It does no I/O and never holds a streamed literal.

import type { ParserEvent, ParserLimits, Request, Token } from './request.ts';

export type { ParserEvent, ParserLimits, Request, Token } from './request.ts';

const SP = 0x20;
const CR = 0x0d;
const LF = 0x0a;
const DQUOTE = 0x22;
const BACKSLASH = 0x5c;

/** Atoms that open a body section with "[" rather than containing it. */
// "{" was read; what follows up to the line feed: digits, "+" for a non-synchronizing literal, "}".
const LITERAL_PREFIX = /^(\d{1,15}(\+?(\}\r?)?)?)?$/;
const LITERAL_HEADER = /^(\d{1,15})(\+?)\}\r?$/;

const SECTION_ATOMS = new Set(['BODY', 'BODY.PEEK', 'BINARY', 'BINARY.PEEK', 'BINARY.SIZE']);

/**
 * ASTRING-CHAR, widened the way commands need it: list-wildcards (LIST patterns) and "\\"
 * (flags) stay inside atoms, and 8-bit bytes are tolerated (UTF-8 names).
 */
function isAtomByte(b: number): boolean {
  return b > SP && b !== 0x7f && b !== 0x28 && b !== 0x29 && b !== 0x7b && b !== DQUOTE;
}

type Frame = { kind: 'list' | 'section'; items: Token[] };

type State =
  | 'between'
  | 'atom'
  | 'afterSection'
  | 'partial'
  | 'quoted'
  | 'quotedEscape'
  | 'literalHeader'
  | 'literalDecision'
  | 'literalBody'
  | 'cr'
  | 'skip'
  | 'skipLiteral'
  | 'line'
  | 'dead';

export class RequestParser {
  private readonly maxLineBytes: number;
  private readonly maxDepth: number;
  private chunks: Buffer[] = [];
  private head = 0;

  private state: State = 'between';
  private lineBytes = 0;
  private frames: Frame[] = [{ kind: 'list', items: [] }];
  private text: number[] = [];
  /** the atom whose section is open, waiting for "]" */
  private sectionOwner: string[] = [];
  private literal = { size: 0, remaining: 0, sync: false, stream: false, parts: [] as Buffer[] };
  private skipTail = '';
  private error: { text: string; tag: string | null } | null = null;

  constructor(limits: ParserLimits = {}) {
    this.maxLineBytes = limits.maxLineBytes ?? 64 * 1024;
    this.maxDepth = limits.maxDepth ?? 32;
  }

  push(chunk: Uint8Array): void {
    if (chunk.length === 0 || this.state === 'dead') return;
    this.chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.length));
  }

  /** Bytes received but not parsed yet (pipelined commands, or bytes after STARTTLS to discard). */
  get buffered(): number {
    return this.chunks.reduce((n, c) => n + c.length, 0) - this.head;
  }

  /** Drops everything not parsed yet: after STARTTLS, plaintext sent ahead must not be obeyed. */
  discardBuffered(): void {
    this.chunks = [];
    this.head = 0;
  }

  /** The next event reads one raw line (IDLE's DONE, an AUTHENTICATE response). */
  readLine(): void {
    this.state = 'line';
    this.text = [];
  }

  acceptLiteral(mode: 'buffer' | 'stream'): void {
    if (this.state !== 'literalDecision') throw new Error('acceptLiteral() without a pending literal');
    this.literal.stream = mode === 'stream';
    this.literal.parts = [];
    this.state = 'literalBody';
  }

  /** A refused synchronizing literal: the client abandons the command, so the next line is new. */
  rejectLiteral(): void {
    if (this.state !== 'literalDecision') throw new Error('rejectLiteral() without a pending literal');
    if (this.literal.sync) this.reset();
    else this.state = 'dead';
  }

  next(): ParserEvent {
    for (;;) {
      if (this.state === 'literalDecision') return this.literalEvent();
      if (this.state === 'literalBody') {
        const event = this.literalBody();
        if (event !== undefined) return event;
        continue;
      }
      if (this.state === 'skipLiteral') {
        this.skipLiteral();
        if (this.state === 'skipLiteral') return { type: 'more' };
        continue;
      }
      const chunk = this.chunks[0];
      if (chunk === undefined || this.state === 'dead') return { type: 'more' };
      if (this.head >= chunk.length) {
        this.chunks.shift();
        this.head = 0;
        continue;
      }
      const b = chunk[this.head++] as number;
      const event = this.byte(b);
      if (event !== undefined) return event;
    }
  }

  private reset(): void {
    this.state = 'between';
    this.lineBytes = 0;
    this.frames = [{ kind: 'list', items: [] }];
    this.text = [];
    this.sectionOwner = [];
    this.error = null;
    this.skipTail = '';
  }

  private top(): Frame {
    return this.frames[this.frames.length - 1] as Frame;
  }

  private tagAndCommand(): { tag: string | null; command: string } {
    const items = (this.frames[0] as Frame).items;
    const tag = atomAt(items, 0);
    let command = (atomAt(items, 1) ?? '').toUpperCase();
    const sub = command === 'UID' ? atomAt(items, 2) : null;
    if (sub !== null) command += ' ' + sub.toUpperCase();
    return { tag: tag !== null && isTag(tag) ? tag : null, command };
  }

  private fail(text: string): undefined {
    if (this.error === null) this.error = { text, tag: this.tagAndCommand().tag };
    this.state = 'skip';
    return undefined;
  }

  private byte(b: number): ParserEvent | undefined {
    if (this.state !== 'skip' && this.state !== 'line' && ++this.lineBytes > this.maxLineBytes) {
      this.state = 'dead';
      return { type: 'bad', tag: this.tagAndCommand().tag, text: 'Command line too long', fatal: true };
    }
    switch (this.state) {
      case 'between':
        return this.between(b);
      case 'atom':
        return this.atom(b);
      case 'afterSection':
        this.state = 'between';
        if (b !== 0x3c) return this.between(b);
        this.text = [];
        this.state = 'partial';
        return undefined;
      case 'partial':
        if (b === 0x3e) {
          this.closePartial();
          this.state = 'between';
        } else if ((b >= 0x30 && b <= 0x39) || b === 0x2e) this.text.push(b);
        else return this.fail('Invalid partial range');
        return undefined;
      case 'quoted':
        if (b === DQUOTE) {
          this.top().items.push({ kind: 'string', value: Buffer.from(this.text), literal: false });
          this.text = [];
          this.state = 'between';
        } else if (b === BACKSLASH) this.state = 'quotedEscape';
        else if (b === CR || b === LF || b === 0) return this.failAt(b, 'Line break inside a quoted string');
        else this.text.push(b);
        return undefined;
      case 'quotedEscape':
        if (b !== DQUOTE && b !== BACKSLASH) return this.failAt(b, 'Invalid escape in a quoted string');
        this.text.push(b);
        this.state = 'quoted';
        return undefined;
      case 'literalHeader':
        return this.literalHeader(b);
      case 'cr':
        if (b !== LF) return this.failAt(b, 'CR without LF');
        return this.endOfLine();
      case 'skip':
        return this.skip(b);
      case 'line':
        return this.line(b);
      default:
        return undefined;
    }
  }

  /** A line break ends the line even in error, so the error is reported once, at its end. */
  private failAt(b: number, text: string): ParserEvent | undefined {
    this.fail(text);
    return b === LF ? this.skip(b) : undefined;
  }

  private between(b: number): ParserEvent | undefined {
    const frame = this.top();
    if (b === SP) return undefined;
    if (b === CR) {
      this.state = 'cr';
      return undefined;
    }
    if (b === LF) return this.endOfLine();
    if (b === 0x28) {
      if (this.frames.length > this.maxDepth) return this.fail('Too deeply nested');
      this.frames.push({ kind: 'list', items: [] });
      return undefined;
    }
    if (b === 0x29) {
      if (frame.kind !== 'list' || this.frames.length === 1) return this.fail('Unexpected ")"');
      this.frames.pop();
      this.top().items.push({ kind: 'list', items: frame.items });
      return undefined;
    }
    if (b === 0x5d && frame.kind === 'section') return this.closeSection();
    if (b === DQUOTE) {
      this.text = [];
      this.state = 'quoted';
      return undefined;
    }
    if (b === 0x7b) {
      this.text = [];
      this.state = 'literalHeader';
      return undefined;
    }
    if (!isAtomByte(b)) return this.failAt(b, 'Invalid character');
    this.text = [b];
    this.state = 'atom';
    return undefined;
  }

  private atom(b: number): ParserEvent | undefined {
    if (b === 0x5b && SECTION_ATOMS.has(latin1(this.text).toUpperCase())) {
      if (this.frames.length > this.maxDepth) return this.fail('Too deeply nested');
      this.sectionOwner.push(latin1(this.text));
      this.frames.push({ kind: 'section', items: [] });
      this.text = [];
      this.state = 'between';
      return undefined;
    }
    if (b === 0x5d && this.top().kind === 'section') {
      this.endAtom();
      return this.closeSection();
    }
    if (isAtomByte(b)) {
      this.text.push(b);
      return undefined;
    }
    this.endAtom();
    this.state = 'between';
    return this.between(b);
  }

  private endAtom(): void {
    this.top().items.push({ kind: 'atom', value: utf8(this.text) });
    this.text = [];
  }

  private closeSection(): ParserEvent | undefined {
    const frame = this.frames.pop() as Frame;
    const value = this.sectionOwner.pop() as string;
    this.top().items.push({ kind: 'atom', value, section: frame.items });
    // "<" right after "]" opens the partial range.
    this.state = 'afterSection';
    return undefined;
  }

  private closePartial(): void {
    const items = this.top().items;
    const owner = items.pop() as Token & { kind: 'atom' };
    items.push({ ...owner, partial: latin1(this.text) });
    this.text = [];
  }

  private literalHeader(b: number): ParserEvent | undefined {
    if (b !== LF) {
      this.text.push(b);
      return LITERAL_PREFIX.test(latin1(this.text)) ? undefined : this.fail('Invalid literal');
    }
    const header = LITERAL_HEADER.exec(latin1(this.text));
    if (header === null) return this.failAt(b, 'Invalid literal');
    const size = Number(header[1]);
    this.literal = { size, remaining: size, sync: header[2] !== '+', stream: false, parts: [] };
    this.text = [];
    if (this.tagAndCommand().tag === null || (this.frames[0] as Frame).items.length < 2) {
      return this.failAt(b, 'Literal before the command name');
    }
    this.state = 'literalDecision';
    return undefined;
  }

  private literalEvent(): ParserEvent {
    const { tag, command } = this.tagAndCommand();
    const before = command.startsWith('UID ') ? 3 : 2;
    const position = this.frames.length === 1 ? (this.frames[0] as Frame).items.length - before : -1;
    return { type: 'literal', tag: tag as string, command, size: this.literal.size, sync: this.literal.sync, position };
  }

  private literalBody(): ParserEvent | undefined {
    const lit = this.literal;
    if (lit.remaining === 0) {
      const token: Token = lit.stream
        ? { kind: 'stream', size: lit.size }
        : { kind: 'string', value: Buffer.concat(lit.parts), literal: true };
      this.top().items.push(token);
      lit.parts = [];
      this.state = 'between';
      return undefined;
    }
    const chunk = this.chunks[0];
    if (chunk === undefined) return { type: 'more' };
    if (this.head >= chunk.length) {
      this.chunks.shift();
      this.head = 0;
      return undefined;
    }
    const n = Math.min(lit.remaining, chunk.length - this.head);
    const piece = chunk.subarray(this.head, this.head + n);
    this.head += n;
    lit.remaining -= n;
    if (lit.stream) return { type: 'data', chunk: piece };
    lit.parts.push(piece);
    return undefined;
  }

  private endOfLine(): ParserEvent | undefined {
    if (this.frames.length > 1) return this.failAt(LF, this.top().kind === 'list' ? 'Unbalanced "("' : 'Unbalanced "["');
    const items = (this.frames[0] as Frame).items;
    if (items.length === 0) {
      this.reset();
      return undefined;
    }
    const { tag, command } = this.tagAndCommand();
    if (tag === null) return this.failAt(LF, 'Invalid tag');
    if (command === '' || !/^[A-Z0-9.-]+( [A-Z0-9.-]+)?$/.test(command)) return this.failAt(LF, 'Invalid command name');
    const args = items.slice(command.startsWith('UID ') ? 3 : 2);
    this.reset();
    return { type: 'request', request: { tag, command, args } };
  }

  private skip(b: number): ParserEvent | undefined {
    if (b !== LF) {
      this.skipTail = (this.skipTail + String.fromCharCode(b)).slice(-24);
      return undefined;
    }
    // A non-synchronizing literal at the end of the line arrives anyway: skip it too.
    const m = /\{(\d{1,15})\+\}\r?$/.exec(this.skipTail);
    this.skipTail = '';
    if (m) {
      this.literal = { size: Number(m[1]), remaining: Number(m[1]), sync: false, stream: false, parts: [] };
      this.state = 'skipLiteral';
      return undefined;
    }
    const error = this.error ?? { text: 'Syntax error', tag: null };
    this.reset();
    return { type: 'bad', tag: error.tag, text: error.text, fatal: false };
  }

  private skipLiteral(): void {
    while (this.literal.remaining > 0) {
      const chunk = this.chunks[0];
      if (chunk === undefined) return;
      const n = Math.min(this.literal.remaining, chunk.length - this.head);
      this.head += n;
      this.literal.remaining -= n;
      if (this.head >= chunk.length) {
        this.chunks.shift();
        this.head = 0;
      }
    }
    this.state = 'skip';
  }

  private line(b: number): ParserEvent | undefined {
    if (b === LF) {
      if (this.text[this.text.length - 1] === CR) this.text.pop();
      const text = utf8(this.text);
      this.reset();
      return { type: 'line', text };
    }
    if (this.text.length >= this.maxLineBytes) {
      this.state = 'dead';
      return { type: 'bad', tag: null, text: 'Line too long', fatal: true };
    }
    this.text.push(b);
    return undefined;
  }
}

/** tag = 1*<any ASTRING-CHAR except "+"> */
/** The i-th token when it is an atom (a module function: a closure made per line costs more). */
function atomAt(items: readonly Token[], i: number): string | null {
  const item = items[i];
  return item?.kind === 'atom' ? (item as { value: string }).value : null;
}

function isTag(value: string): boolean {
  return value.length > 0 && !/[+%*\\\u0080-\uffff]/.test(value);
}

function latin1(bytes: readonly number[]): string {
  return String.fromCharCode(...bytes);
}

function utf8(bytes: readonly number[]): string {
  return Buffer.from(bytes).toString('utf8');
}
