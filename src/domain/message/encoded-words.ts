// RFC 2047 encoded-words (=?charset?B|Q?text?=) decoded for SEARCH and SORT, which compare
// what the user reads, not the wire form.
import { decodeCharset, utf8Bytes } from './text.ts';

// The charset may carry an RFC 2231 language suffix (=?utf-8*en?Q?...?=), which is dropped.
const ENCODED_WORD = /=\?([^?\s*]+)(?:\*[^?\s]*)?\?([BbQq])\?([^?\s]*)\?=/g;

type Run = { charset: string; bytes: Uint8Array[]; raw: string };

/**
 * Replaces encoded-words with their text. Whitespace between two encoded-words is dropped
 * (RFC 2047 section 6.2), and adjacent words in one charset are decoded together, because
 * senders split multi-byte characters across words. An unknown charset keeps the word as is.
 */
export function decodeEncodedWords(value: string): string {
  if (!value.includes('=?')) return value;
  let out = '';
  let run: Run | null = null;
  let last = 0;
  for (const match of value.matchAll(ENCODED_WORD)) {
    const [raw, charset = '', mode = '', text = ''] = match;
    const start = match.index;
    const between = value.slice(last, start);
    const joins = run !== null && /^[ \t\r\n]*$/.test(between);
    if (!joins) {
      out += flush(run) + between;
      run = null;
    }
    const bytes = mode === 'B' || mode === 'b' ? decodeBase64(text) : decodeQ(text);
    if (run !== null && run.charset === charset.toLowerCase()) {
      run.bytes.push(bytes);
      run.raw += raw;
    } else {
      out += flush(run);
      run = { charset: charset.toLowerCase(), bytes: [bytes], raw };
    }
    last = start + raw.length;
  }
  return out + flush(run) + value.slice(last);
}

function flush(run: Run | null): string {
  if (run === null) return '';
  return decodeCharset(concat(run.bytes), run.charset) ?? run.raw;
}

function concat(parts: readonly Uint8Array[]): Uint8Array {
  if (parts.length === 1) return parts[0] as Uint8Array;
  const out = new Uint8Array(parts.reduce((sum, p) => sum + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

function decodeBase64(text: string): Uint8Array {
  // Buffer's decoder tolerates missing padding and stray characters, as mail needs.
  return Uint8Array.from(Buffer.from(text, 'base64'));
}

/** Q encoding (RFC 2047 section 4.2): `_` is a space, `=XX` a byte. */
function decodeQ(text: string): Uint8Array {
  const out: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x5f) {
      out.push(0x20);
    } else if (c === 0x3d && /^[0-9A-Fa-f]{2}$/.test(text.slice(i + 1, i + 3))) {
      out.push(parseInt(text.slice(i + 1, i + 3), 16));
      i += 2;
    } else if (c < 0x80) {
      out.push(c);
    } else {
      // Raw 8-bit text inside an encoded-word is illegal but seen; keep it as its UTF-8.
      const codePoint = text.codePointAt(i) ?? c;
      out.push(...utf8Bytes(String.fromCodePoint(codePoint)));
      if (codePoint > 0xffff) i++;
    }
  }
  return Uint8Array.from(out);
}
