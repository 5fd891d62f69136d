// Typed reading of a request's arguments: each command module pulls what its grammar says and
// a mismatch becomes one BadArguments error (a tagged BAD), never a half-run command.
import type { Token } from './parser.ts';
import { decodeMailboxName } from './mutf7.ts';
import { parseSequenceSet, type SequenceSet } from './sequence.ts';

export class BadArguments extends Error {
  readonly type = 'BadArguments' as const;
  constructor(message: string) {
    super(message);
    this.name = 'BadArguments';
  }
}

export function bad(message: string): never {
  throw new BadArguments(message);
}

export class Args {
  private i = 0;
  constructor(private readonly tokens: readonly Token[]) {}

  get remaining(): number {
    return this.tokens.length - this.i;
  }

  peek(): Token | undefined {
    return this.tokens[this.i];
  }

  /** The next token, whatever it is. */
  token(what = 'an argument'): Token {
    const t = this.tokens[this.i++];
    if (t === undefined) bad(`Missing ${what}`);
    return t;
  }

  /** A bare atom (no section), as written. */
  atom(what = 'an atom'): string {
    const t = this.token(what);
    if (t.kind !== 'atom' || t.section !== undefined) bad(`Expected ${what}`);
    return t.value;
  }

  /** Is the next token this atom (case-insensitive)? Consumes it when it is. */
  accept(word: string): boolean {
    const t = this.peek();
    if (t?.kind === 'atom' && t.section === undefined && t.value.toUpperCase() === word) {
      this.i++;
      return true;
    }
    return false;
  }

  /** astring: an atom, a quoted string or a literal, as UTF-8 text. */
  astring(what = 'a string'): string {
    return this.astringBytes(what).toString('utf8');
  }

  astringBytes(what = 'a string'): Buffer {
    const t = this.token(what);
    if (t.kind === 'string') return t.value;
    if (t.kind === 'atom' && t.section === undefined) return Buffer.from(t.value, 'utf8');
    bad(`Expected ${what}`);
  }

  /** A mailbox name, decoded from modified UTF-7. */
  mailbox(): string {
    const wire = this.astring('a mailbox name');
    const name = decodeMailboxName(wire);
    if (name === null) bad('Mailbox name is not valid modified UTF-7');
    return name;
  }

  /** A non-negative 32-bit number (number, RFC 3501 section 9). */
  number(what = 'a number'): number {
    const text = this.atom(what);
    if (!/^\d{1,10}$/.test(text) || Number(text) > 0xffffffff) bad(`Expected ${what}`);
    return Number(text);
  }

  list(what = 'a parenthesised list'): Args {
    const t = this.token(what);
    if (t.kind !== 'list') bad(`Expected ${what}`);
    return new Args(t.items);
  }

  /** A list, or a single item standing for a list of one (flags in STORE, fetch attributes). */
  listOrOne(what = 'a list'): Args {
    const t = this.token(what);
    return new Args(t.kind === 'list' ? t.items : [t]);
  }

  sequenceSet(): SequenceSet {
    const text = this.atom('a sequence set');
    const set = parseSequenceSet(text);
    if (set === null) bad(`Invalid sequence set "${text}"`);
    return set;
  }

  /** A literal handed to the connection as it arrived (APPEND's message). */
  stream(): number {
    const t = this.token('a message literal');
    if (t.kind !== 'stream') bad('Expected a message literal');
    return t.size;
  }

  end(): void {
    if (this.i < this.tokens.length) bad('Unexpected extra arguments');
  }
}
