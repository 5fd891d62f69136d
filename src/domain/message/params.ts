// MIME header values with parameters: Content-Type, Content-Disposition (RFC 2045, 2183) and
// the RFC 2231 forms that split and charset-encode long or non-ASCII parameter values.
import { MIME_SYNTAX, tokenize, type Token } from './tokens.ts';
import { decodeCharset, decodeHeaderBytes, utf8Bytes } from './text.ts';

export type Param = readonly [string, string];

export type MediaType = Readonly<{ type: string; subtype: string | null; params: readonly Param[] }>;

/** "type/subtype; params", lowercased; null when there is no type token at all. */
export function parseMediaType(value: string): MediaType | null {
  const tokens = meaningful(value);
  const type = tokens[0];
  if (type?.kind !== 'word') return null;
  const slash = tokens[1];
  const subtype = tokens[2];
  const hasSubtype = slash?.kind === 'special' && slash.text === '/' && subtype?.kind === 'word';
  return {
    type: type.text.toLowerCase(),
    subtype: hasSubtype ? subtype.text.toLowerCase() : null,
    params: parseParams(tokens, hasSubtype ? 3 : 1),
  };
}

/** The leading token of a value (Content-Transfer-Encoding, disposition type), lowercased. */
export function leadingToken(value: string): string | null {
  const first = meaningful(value)[0];
  return first?.kind === 'word' ? first.text.toLowerCase() : null;
}

/** Content-Language (RFC 3282): a comma-separated list of tags; null when empty. */
export function parseLanguageList(value: string): string[] | null {
  const tags = meaningful(value)
    .filter((t) => t.kind === 'word')
    .map((t) => t.text);
  return tags.length === 0 ? null : tags;
}

/** The parameters after the leading token of a value, e.g. of Content-Disposition. */
export function parseTrailingParams(value: string): readonly Param[] {
  return parseParams(meaningful(value), 1);
}

function meaningful(value: string): Token[] {
  return tokenize(value, MIME_SYNTAX).filter((t) => t.kind !== 'comment');
}

type RawParam = { name: string; value: string };

/** `; name=value` pairs from `from` on; malformed segments are skipped, not fatal. */
function parseParams(tokens: readonly Token[], from: number): readonly Param[] {
  const raw: RawParam[] = [];
  let segment: Token[] = [];
  for (let i = from; i <= tokens.length; i++) {
    const t = tokens[i];
    if (t === undefined || (t.kind === 'special' && t.text === ';')) {
      const param = segmentParam(segment);
      if (param !== null) raw.push(param);
      segment = [];
    } else {
      segment.push(t);
    }
  }
  return joinRfc2231(raw);
}

function segmentParam(segment: readonly Token[]): RawParam | null {
  const [name, equals, ...rest] = segment;
  if (name?.kind !== 'word' || equals?.kind !== 'special' || equals.text !== '=') return null;
  const only = rest[0];
  if (rest.length === 1 && only?.kind === 'quoted') return { name: name.text.toLowerCase(), value: only.text };
  // Unquoted values with tspecials ("boundary=----=_Part_1") or spaces are common; keep them whole.
  let value = '';
  for (const t of rest) value += (t.spaced && value !== '' ? ' ' : '') + t.text;
  return { name: name.text.toLowerCase(), value };
}

type Section = { index: number; value: string; encoded: boolean };
type Assembly = { name: string; plain: string | null; sections: Map<number, Section> };

const EXTENDED_NAME = /^(.+?)\*(\d+)?(\*)?$/;

/**
 * Joins RFC 2231 continuations (name*0, name*1*, ...) and decodes charset'language'%XX values.
 * Each parameter keeps the position of its first appearance; when both `name` and `name*`
 * are given, the extended (exact) one wins, and other duplicates keep their first value.
 */
function joinRfc2231(raw: readonly RawParam[]): readonly Param[] {
  const byName = new Map<string, Assembly>();
  for (const { name, value } of raw) {
    const m = EXTENDED_NAME.exec(name);
    const base = m?.[1] ?? name;
    let entry = byName.get(base);
    if (entry === undefined) {
      entry = { name: base, plain: null, sections: new Map() };
      byName.set(base, entry);
    }
    if (m === null) {
      entry.plain ??= value;
    } else {
      const index = m[2] === undefined ? 0 : Number(m[2]);
      // "name*" is a single encoded value; "name*N" plain and "name*N*" encoded sections.
      const encoded = m[2] === undefined || m[3] !== undefined;
      if (!entry.sections.has(index)) entry.sections.set(index, { index, value, encoded });
    }
  }
  return [...byName.values()].map((e): Param => [e.name, e.sections.size > 0 ? assemble([...e.sections.values()]) : (e.plain ?? '')]);
}

function assemble(sections: Section[]): string {
  sections.sort((a, b) => a.index - b.index);
  let charset = '';
  const first = sections[0];
  if (first?.encoded) {
    // charset'language'text: only the first section names the charset (RFC 2231 section 4.1).
    const m = /^([^']*)'[^']*'([\s\S]*)$/.exec(first.value);
    if (m !== null) {
      charset = m[1] ?? '';
      first.value = m[2] ?? '';
    }
  }
  let out = '';
  let pending: number[] = [];
  const flush = (): void => {
    if (pending.length === 0) return;
    const bytes = Uint8Array.from(pending);
    out += (charset === '' ? null : decodeCharset(bytes, charset)) ?? decodeHeaderBytes(bytes);
    pending = [];
  };
  for (const s of sections) {
    // Consecutive encoded sections are decoded together: senders split multi-byte characters.
    if (s.encoded) {
      for (const byte of percentDecode(s.value)) pending.push(byte);
    } else {
      flush();
      out += s.value;
    }
  }
  flush();
  return out;
}

function percentDecode(text: string): number[] {
  const out: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const hex = text.slice(i + 1, i + 3);
    if (text[i] === '%' && /^[0-9A-Fa-f]{2}$/.test(hex)) {
      out.push(parseInt(hex, 16));
      i += 2;
    } else {
      const codePoint = text.codePointAt(i) ?? 0;
      out.push(...utf8Bytes(String.fromCodePoint(codePoint)));
      if (codePoint > 0xffff) i++;
    }
  }
  return out;
}
