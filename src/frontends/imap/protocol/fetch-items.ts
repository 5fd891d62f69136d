// FETCH attributes (RFC 3501 section 6.4.5): the macros, the summary items and BODY[section]<partial>
// with its RFC822.* aliases, parsed into what the FETCH command serves.
import { Args, bad } from './args.ts';
import type { Token } from './parser.ts';

export type SectionText = 'HEADER' | 'HEADER.FIELDS' | 'HEADER.FIELDS.NOT' | 'TEXT' | 'MIME';

export type Section = Readonly<{
  /** part numbers, e.g. [1, 2] for "1.2"; empty for the whole message */
  part: readonly number[];
  text: SectionText | null;
  /** header field names for HEADER.FIELDS[.NOT], as the client wrote them */
  fields: readonly string[];
}>;

export type BodyItem = Readonly<{
  kind: 'section';
  /** how the response names it: BODY[...] or one of the RFC822 forms */
  label: 'BODY' | 'RFC822' | 'RFC822.HEADER' | 'RFC822.TEXT';
  /** BODY.PEEK and RFC822.HEADER leave \Seen alone */
  peek: boolean;
  section: Section;
  partial: Readonly<{ start: number; length: number }> | null;
}>;

export type FetchItem =
  | Readonly<{ kind: 'FLAGS' | 'INTERNALDATE' | 'RFC822.SIZE' | 'ENVELOPE' | 'BODY' | 'BODYSTRUCTURE' | 'UID' }>
  | BodyItem;

const SIMPLE = new Set(['FLAGS', 'INTERNALDATE', 'RFC822.SIZE', 'ENVELOPE', 'BODY', 'BODYSTRUCTURE', 'UID']);
const MACROS: Record<string, readonly string[]> = {
  ALL: ['FLAGS', 'INTERNALDATE', 'RFC822.SIZE', 'ENVELOPE'],
  FAST: ['FLAGS', 'INTERNALDATE', 'RFC822.SIZE'],
  FULL: ['FLAGS', 'INTERNALDATE', 'RFC822.SIZE', 'ENVELOPE', 'BODY'],
};
const WHOLE: Section = { part: [], text: null, fields: [] };

/** The attribute list of a FETCH: a macro, one attribute, or a parenthesised list. */
export function parseFetchItems(args: Args): FetchItem[] {
  const first = args.peek();
  if (first?.kind === 'atom' && first.section === undefined && MACROS[first.value.toUpperCase()]) {
    args.token();
    return (MACROS[first.value.toUpperCase()] as string[]).map((kind) => ({ kind }) as FetchItem);
  }
  const list = args.listOrOne('fetch attributes');
  const items: FetchItem[] = [];
  while (list.remaining > 0) items.push(fetchItem(list.token()));
  if (!items.length) bad('Empty fetch attribute list');
  return items;
}

function fetchItem(token: Token): FetchItem {
  if (token.kind !== 'atom') bad('Invalid fetch attribute');
  const name = token.value.toUpperCase();
  if (token.section !== undefined) {
    if (name !== 'BODY' && name !== 'BODY.PEEK') bad(`Unsupported fetch attribute ${token.value}[...]`);
    return { kind: 'section', label: 'BODY', peek: name === 'BODY.PEEK', section: parseSection(token.section), partial: parsePartial(token.partial) };
  }
  if (token.partial !== undefined) bad('Partial range without a section');
  switch (name) {
    case 'RFC822':
      return { kind: 'section', label: 'RFC822', peek: false, section: WHOLE, partial: null };
    case 'RFC822.HEADER':
      return { kind: 'section', label: 'RFC822.HEADER', peek: true, section: { ...WHOLE, text: 'HEADER' }, partial: null };
    case 'RFC822.TEXT':
      return { kind: 'section', label: 'RFC822.TEXT', peek: false, section: { ...WHOLE, text: 'TEXT' }, partial: null };
  }
  if (!SIMPLE.has(name)) bad(`Unknown fetch attribute ${token.value}`);
  return { kind: name } as FetchItem;
}

export function parseSection(tokens: readonly Token[]): Section {
  if (tokens.length === 0) return WHOLE;
  const args = new Args(tokens);
  const spec = args.atom('a section').toUpperCase();
  if (spec.startsWith('.') || spec.endsWith('.')) bad(`Invalid section ${spec}`);
  const m = /^((?:[1-9]\d*)(?:\.[1-9]\d*)*)?(?:^|\.|$)(HEADER\.FIELDS\.NOT|HEADER\.FIELDS|HEADER|TEXT|MIME)?$/.exec(spec);
  if (!m || (m[1] === undefined && m[2] === undefined)) bad(`Invalid section ${spec}`);
  const part = m[1] === undefined ? [] : m[1].split('.').map(Number);
  const text = (m[2] ?? null) as SectionText | null;
  if (text === 'MIME' && part.length === 0) bad('MIME needs a part number');
  let fields: string[] = [];
  if (text === 'HEADER.FIELDS' || text === 'HEADER.FIELDS.NOT') {
    const list = args.list('a list of header field names');
    while (list.remaining > 0) fields.push(list.astring('a header field name'));
    if (!fields.length) bad('Empty header field list');
    if (fields.some((f) => !/^[\x21-\x39\x3b-\x7e]+$/.test(f))) bad('Invalid header field name');
  }
  args.end();
  return { part, text, fields };
}

function parsePartial(text: string | undefined): BodyItem['partial'] {
  if (text === undefined) return null;
  const m = /^(\d{1,10})\.(\d{1,10})$/.exec(text);
  if (!m || Number(m[2]) === 0) bad(`Invalid partial range <${text}>`);
  return { start: Number(m[1]), length: Number(m[2]) };
}

/** How a section is named in the response: "HEADER.FIELDS (Subject From)", "1.2.MIME", "". */
export function sectionLabel(section: Section): string {
  const parts = [section.part.join('.'), section.text ?? ''].filter(Boolean).join('.');
  if (!section.fields.length) return parts;
  return `${parts} (${section.fields.map((f) => f.toUpperCase()).join(' ')})`;
}
