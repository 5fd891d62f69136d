// SEARCH criteria (RFC 3501 section 6.4.4) as a tree: every key, OR/NOT nesting, parenthesised
// groups; evaluation lives with the SEARCH command.
import { Args, bad } from './args.ts';
import { parseSearchDate } from './dates.ts';
import type { Token } from './parser.ts';
import { parseSequenceSet, type SequenceSet } from './sequence.ts';

export type SearchKey =
  | Readonly<{ op: 'all' }>
  | Readonly<{ op: 'flag'; flag: string; set: boolean }>
  | Readonly<{ op: 'recent'; set: boolean }>
  /** a header field contains the value (decoded, case-insensitive); "" matches any message with the field */
  | Readonly<{ op: 'header'; field: string; value: string }>
  | Readonly<{ op: 'body' | 'text'; value: string }>
  | Readonly<{ op: 'date'; of: 'internal' | 'sent'; cmp: 'before' | 'on' | 'since'; day: string }>
  | Readonly<{ op: 'size'; cmp: 'larger' | 'smaller'; octets: number }>
  | Readonly<{ op: 'seq' | 'uid'; set: SequenceSet }>
  | Readonly<{ op: 'not'; key: SearchKey }>
  | Readonly<{ op: 'or'; a: SearchKey; b: SearchKey }>
  | Readonly<{ op: 'and'; keys: readonly SearchKey[] }>;

export type SearchProgram = Readonly<{ charset: string | null; key: SearchKey }>;

const FLAG_KEYS: Record<string, [string, boolean]> = {
  ANSWERED: ['\\Answered', true],
  DELETED: ['\\Deleted', true],
  DRAFT: ['\\Draft', true],
  FLAGGED: ['\\Flagged', true],
  SEEN: ['\\Seen', true],
  UNANSWERED: ['\\Answered', false],
  UNDELETED: ['\\Deleted', false],
  UNDRAFT: ['\\Draft', false],
  UNFLAGGED: ['\\Flagged', false],
  UNSEEN: ['\\Seen', false],
};
const HEADER_KEYS: Record<string, string> = { BCC: 'bcc', CC: 'cc', FROM: 'from', SUBJECT: 'subject', TO: 'to' };
const DATE_KEYS: Record<string, ['internal' | 'sent', 'before' | 'on' | 'since']> = {
  BEFORE: ['internal', 'before'],
  ON: ['internal', 'on'],
  SINCE: ['internal', 'since'],
  SENTBEFORE: ['sent', 'before'],
  SENTON: ['sent', 'on'],
  SENTSINCE: ['sent', 'since'],
};

/** [CHARSET name] key+ ; the charset is returned for the command to accept or refuse. */
export function parseSearch(args: Args): SearchProgram {
  let charset: string | null = null;
  if (args.accept('CHARSET')) charset = args.astring('a charset name');
  const keys: SearchKey[] = [];
  while (args.remaining > 0) keys.push(searchKey(args, 0));
  if (!keys.length) bad('Missing search criteria');
  return { charset, key: keys.length === 1 ? (keys[0] as SearchKey) : { op: 'and', keys } };
}

const MAX_DEPTH = 64;

function searchKey(args: Args, depth: number): SearchKey {
  if (depth > MAX_DEPTH) bad('Search criteria nested too deeply');
  const token: Token = args.token('a search key');
  if (token.kind === 'list') {
    const inner = new Args(token.items);
    const keys: SearchKey[] = [];
    while (inner.remaining > 0) keys.push(searchKey(inner, depth + 1));
    if (!keys.length) bad('Empty search group');
    return keys.length === 1 ? (keys[0] as SearchKey) : { op: 'and', keys };
  }
  if (token.kind !== 'atom' || token.section !== undefined) bad('Invalid search key');
  const name = token.value.toUpperCase();
  const flag = FLAG_KEYS[name];
  if (flag) return { op: 'flag', flag: flag[0], set: flag[1] };
  const header = HEADER_KEYS[name];
  if (header) return { op: 'header', field: header, value: args.astring('a search string') };
  const date = DATE_KEYS[name];
  if (date) return { op: 'date', of: date[0], cmp: date[1], day: searchDate(args) };
  switch (name) {
    case 'ALL':
      return { op: 'all' };
    case 'NEW':
      return { op: 'and', keys: [{ op: 'recent', set: true }, { op: 'flag', flag: '\\Seen', set: false }] };
    case 'OLD':
      return { op: 'recent', set: false };
    case 'RECENT':
      return { op: 'recent', set: true };
    case 'KEYWORD':
    case 'UNKEYWORD':
      return { op: 'flag', flag: args.atom('a keyword'), set: name === 'KEYWORD' };
    case 'BODY':
    case 'TEXT':
      return { op: name === 'BODY' ? 'body' : 'text', value: args.astring('a search string') };
    case 'HEADER':
      return { op: 'header', field: args.astring('a header field name').toLowerCase(), value: args.astring('a search string') };
    case 'LARGER':
    case 'SMALLER':
      return { op: 'size', cmp: name === 'LARGER' ? 'larger' : 'smaller', octets: args.number('a size') };
    case 'UID':
      return { op: 'uid', set: args.sequenceSet() };
    case 'NOT':
      return { op: 'not', key: searchKey(args, depth + 1) };
    case 'OR':
      return { op: 'or', a: searchKey(args, depth + 1), b: searchKey(args, depth + 1) };
  }
  const set = parseSequenceSet(token.value);
  if (set !== null) return { op: 'seq', set };
  bad(`Unknown search key ${token.value}`);
}

function searchDate(args: Args): string {
  const text = args.astring('a date');
  const day = parseSearchDate(text);
  if (day === null) bad(`Invalid date "${text}"`);
  return day;
}
