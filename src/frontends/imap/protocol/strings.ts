// Strings in responses (RFC 3501 section 4.3): quoted when they are short 7-bit text, a literal
// when they hold a line break, 8-bit bytes or are long; NIL for an absent nstring.

/** A response is written as text and raw bytes; text is sent as UTF-8. */
export type Piece = string | Buffer;

const QUOTABLE = /^[\x01-\x09\x0b\x0c\x0e-\x7f]*$/;
const MAX_QUOTED = 1024;

export function quoted(value: string): string {
  return `"${value.replace(/[\\"]/g, '\\$&')}"`;
}

/** A string, quoted or as a literal, whichever its content allows. */
export function str(value: string): string {
  if (value.length <= MAX_QUOTED && QUOTABLE.test(value)) return quoted(value);
  return `{${Buffer.byteLength(value, 'utf8')}}\r\n${value}`;
}

export function nstring(value: string | null | undefined): string {
  return value === null || value === undefined ? 'NIL' : str(value);
}

/** An astring: a bare atom when it is one, else a string (mailbox names in LIST, flags). */
export function astring(value: string): string {
  return /^[^\x00-\x20\x7f-\uffff(){%*"\\\]]+$/.test(value) ? value : str(value);
}

/** Raw bytes as a literal: the count then the bytes. */
export function literalBytes(bytes: Buffer): Piece[] {
  return [`{${bytes.length}}\r\n`, bytes];
}

export function parenthesised(items: readonly string[]): string {
  return `(${items.join(' ')})`;
}
