// Lexer for structured header values (RFC 5322 section 3.2, RFC 2045 section 5.1): words,
// quoted strings, comments, domain literals and specials. Lenient: unterminated quotes and
// comments run to the end instead of failing, because real mail is full of them.

export type Token = Readonly<{
  kind: 'word' | 'quoted' | 'comment' | 'literal' | 'special';
  /** words and specials as written; quoted strings and comments without delimiters and escapes */
  text: string;
  /** whitespace or a comment came before this token */
  spaced: boolean;
}>;

/** The special characters that end a word, besides whitespace, `(` and `"`. */
export type Syntax = Readonly<{ specials: string; domainLiterals: boolean }>;

/** RFC 5322 addresses. `.` stays inside words so dot-atoms and obs-phrases are single words. */
export const ADDRESS_SYNTAX: Syntax = { specials: '<>:;@,[]\\', domainLiterals: true };

/** RFC 2045 tspecials: Content-Type and friends. */
export const MIME_SYNTAX: Syntax = { specials: '<>@,;:/?=[]\\', domainLiterals: false };

function isSpace(c: string): boolean {
  return c === ' ' || c === '\t' || c === '\r' || c === '\n';
}

export function tokenize(value: string, syntax: Syntax): Token[] {
  const tokens: Token[] = [];
  const n = value.length;
  let i = 0;
  let spaced = false;
  while (i < n) {
    const c = value[i] as string;
    if (isSpace(c)) {
      spaced = true;
      i++;
    } else if (c === '(') {
      const end = skipComment(value, i);
      tokens.push({ kind: 'comment', text: unescape(value.slice(i + 1, end.close)), spaced });
      spaced = true;
      i = end.next;
    } else if (c === '"') {
      const end = findClose(value, i + 1, '"');
      tokens.push({ kind: 'quoted', text: unescape(value.slice(i + 1, end.close)), spaced });
      spaced = false;
      i = end.next;
    } else if (c === '[' && syntax.domainLiterals) {
      const end = findClose(value, i + 1, ']');
      tokens.push({ kind: 'literal', text: value.slice(i, end.next), spaced });
      spaced = false;
      i = end.next;
    } else if (syntax.specials.includes(c)) {
      tokens.push({ kind: 'special', text: c, spaced });
      spaced = false;
      i++;
    } else {
      let j = i + 1;
      while (j < n) {
        const d = value[j] as string;
        if (isSpace(d) || d === '(' || d === '"' || syntax.specials.includes(d)) break;
        j++;
      }
      tokens.push({ kind: 'word', text: value.slice(i, j), spaced });
      spaced = false;
      i = j;
    }
  }
  return tokens;
}

type Span = { close: number; next: number };

/** Finds the unescaped `closer` from `from`; an unterminated run ends with the value. */
function findClose(value: string, from: number, closer: string): Span {
  for (let i = from; i < value.length; i++) {
    const c = value[i];
    if (c === '\\') i++;
    else if (c === closer) return { close: i, next: i + 1 };
  }
  return { close: value.length, next: value.length };
}

/** Comments nest (RFC 5322 section 3.2.2). */
function skipComment(value: string, open: number): Span {
  let depth = 0;
  for (let i = open; i < value.length; i++) {
    const c = value[i];
    if (c === '\\') i++;
    else if (c === '(') depth++;
    else if (c === ')' && --depth === 0) return { close: i, next: i + 1 };
  }
  return { close: value.length, next: value.length };
}

function unescape(text: string): string {
  return text.includes('\\') ? text.replace(/\\([\s\S])/g, '$1') : text;
}
