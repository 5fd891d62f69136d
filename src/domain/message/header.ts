// Splits a header block into fields (RFC 5322 section 2.2): unfolds continuation lines and
// decodes each value on its own, so one broken field cannot spoil the others.
import { decodeHeaderBytes } from './text.ts';

/** Lowercase field name to its first value: unfolded, surrounding whitespace trimmed. */
export type HeaderFields = ReadonlyMap<string, string>;

const LF = 0x0a;
const SP = 0x20;
const HT = 0x09;
const COLON = 0x3a;

/**
 * Reads the fields of `block` (a header without its blank line) whose lowercase name
 * `wanted` accepts. The first occurrence wins: those fields may appear once (RFC 5322 section
 * 3.6), and the first is what the other servers and most clients show. Lines that are not
 * fields (no colon, or a name with spaces) are skipped.
 */
export function parseHeaderFields(block: Uint8Array, wanted: (name: string) => boolean): HeaderFields {
  const fields = new Map<string, string>();
  let fieldStart = -1;
  let fieldEnd = 0;
  let i = 0;
  while (i < block.length) {
    const lf = block.indexOf(LF, i);
    const next = lf === -1 ? block.length : lf + 1;
    const first = block[i];
    if (first === SP || first === HT) {
      // A continuation line before any field belongs to nothing and is dropped.
      if (fieldStart >= 0) fieldEnd = next;
    } else {
      if (fieldStart >= 0) addField(fields, block, fieldStart, fieldEnd, wanted);
      fieldStart = i;
      fieldEnd = next;
    }
    i = next;
  }
  if (fieldStart >= 0) addField(fields, block, fieldStart, fieldEnd, wanted);
  return fields;
}

function addField(
  fields: Map<string, string>,
  block: Uint8Array,
  start: number,
  end: number,
  wanted: (name: string) => boolean,
): void {
  const at = block.indexOf(COLON, start);
  if (at < 0 || at >= end) return;
  const colon = at - start;
  if (colon === 0) return;
  let nameEnd = start + colon;
  // obs-optional (RFC 5322 section 4.5.8): "Subject :" is still Subject.
  while (nameEnd > start && (block[nameEnd - 1] === SP || block[nameEnd - 1] === HT)) nameEnd--;
  let name = '';
  for (let k = start; k < nameEnd; k++) {
    const c = block[k] as number;
    if (c <= SP || c >= 0x7f) return;
    name += String.fromCharCode(c);
  }
  if (name === '') return;
  name = name.toLowerCase();
  if (fields.has(name) || !wanted(name)) return;
  const raw = decodeHeaderBytes(block.subarray(start + colon + 1, end));
  fields.set(name, raw.replace(/\r?\n/g, '').replace(/^[ \t\r]+|[ \t\r]+$/g, ''));
}
