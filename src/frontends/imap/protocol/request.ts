// What the request parser hands the connection: requests made of tokens, and the events of
// reading them (a literal to decide on, a streamed literal's bytes, a skipped bad line).

export type Token =
  /** an atom; `section` and `partial` for BODY[...]<...> and its kin */
  | Readonly<{ kind: 'atom'; value: string; section?: readonly Token[]; partial?: string }>
  /** a quoted string or a literal held in memory */
  | Readonly<{ kind: 'string'; value: Buffer; literal: boolean }>
  | Readonly<{ kind: 'list'; items: readonly Token[] }>
  /** a literal whose bytes were handed to the connection as `data` events */
  | Readonly<{ kind: 'stream'; size: number }>;

export type Request = Readonly<{
  tag: string;
  /** upper case; "UID FETCH" and the like for UID commands */
  command: string;
  args: readonly Token[];
}>;

export type ParserEvent =
  | Readonly<{ type: 'request'; request: Request }>
  | Readonly<{ type: 'more' }>
  /** the parser waits for acceptLiteral() or rejectLiteral() */
  /** `position`: which of the command's arguments it is, or -1 inside a list */
  | Readonly<{ type: 'literal'; tag: string; command: string; size: number; sync: boolean; position: number }>
  | Readonly<{ type: 'data'; chunk: Buffer }>
  /** a raw line, after readLine() */
  | Readonly<{ type: 'line'; text: string }>
  /** the line was skipped; `fatal` when the input cannot be resynchronised */
  | Readonly<{ type: 'bad'; tag: string | null; text: string; fatal: boolean }>;

export type ParserLimits = Readonly<{
  /** bytes of a command line, literals not counted */
  maxLineBytes?: number;
  /** nesting of parenthesised lists */
  maxDepth?: number;
}>;
