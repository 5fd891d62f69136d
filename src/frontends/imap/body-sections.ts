// Where BODY[section] lies in the raw message (RFC 3501 6.4.5): part numbers walk the summary's
// tree (a message/rfc822 part's children are its message's parts), and each section text names
// a byte range of the blob — or a header to filter, for HEADER.FIELDS[.NOT].
import type { BodyPart, MessageSummary } from '../../domain/message/summary.ts';
import type { Section } from './protocol/fetch-items.ts';

export type ByteRange = Readonly<{ start: number; end: number }>;

export type SectionSource =
  | Readonly<{ kind: 'range'; range: ByteRange }>
  | Readonly<{ kind: 'fields'; range: ByteRange; fields: readonly string[]; not: boolean }>
  /** the section does not exist in this message: an empty string, as Dovecot answers */
  | Readonly<{ kind: 'empty' }>;

/** The parts numbered 1, 2 ... below a message whose top-level entity is `body`. */
function messageChildren(body: BodyPart): readonly BodyPart[] {
  return body.type === 'multipart' ? (body.parts ?? []) : [body];
}

function partAt(summary: MessageSummary, path: readonly number[]): BodyPart | null {
  let part: BodyPart | null = null;
  for (const n of path) {
    const children: readonly BodyPart[] =
      part === null
        ? messageChildren(summary.body)
        : part.type === 'multipart'
          ? (part.parts ?? [])
          : part.message !== undefined
            ? messageChildren(part.message.body)
            : [part]; // a leaf's part 1 is itself, as Dovecot answers
    part = children[n - 1] ?? null;
    if (part === null) return null;
  }
  return part;
}

const range = (start: number, end: number): SectionSource => ({ kind: 'range', range: { start, end: Math.max(start, end) } });

export function locateSection(summary: MessageSummary, section: Section): SectionSource {
  let header: ByteRange;
  let text: ByteRange;
  if (section.part.length === 0) {
    if (section.text === null) return range(0, summary.size);
    header = { start: 0, end: summary.body.bodyStart };
    text = { start: summary.body.bodyStart, end: summary.body.bodyEnd };
  } else {
    const part = partAt(summary, section.part);
    if (part === null) return { kind: 'empty' };
    if (section.text === null) return range(part.bodyStart, part.bodyEnd);
    if (section.text === 'MIME') return range(part.headerStart, part.bodyStart);
    // HEADER and TEXT of a part exist only for an encapsulated message.
    if (part.message === undefined) return { kind: 'empty' };
    const inner = part.message.body;
    header = { start: inner.headerStart, end: inner.bodyStart };
    text = { start: inner.bodyStart, end: inner.bodyEnd };
  }
  switch (section.text) {
    case 'HEADER':
      return range(header.start, header.end);
    case 'TEXT':
      return range(text.start, text.end);
    case 'HEADER.FIELDS':
    case 'HEADER.FIELDS.NOT':
      return { kind: 'fields', range: header, fields: section.fields, not: section.text === 'HEADER.FIELDS.NOT' };
    default:
      return { kind: 'empty' };
  }
}

/** The header's fields named (or, with `not`, not named) in `names`, in order, then the blank line. */
export function filterHeader(header: Buffer, names: readonly string[], not: boolean): Buffer {
  const wanted = new Set(names.map((n) => n.toLowerCase()));
  const kept: Buffer[] = [];
  let keep = false;
  let start = 0;
  while (start < header.length) {
    const lf = header.indexOf(0x0a, start);
    const end = lf < 0 ? header.length : lf + 1;
    const line = header.subarray(start, end);
    start = end;
    if (line.length === 0 || line[0] === 0x0d || line[0] === 0x0a) break; // the blank line
    if (line[0] !== 0x20 && line[0] !== 0x09) {
      const colon = line.indexOf(0x3a);
      const name = colon < 0 ? '' : line.subarray(0, colon).toString('latin1').trim().toLowerCase();
      keep = colon >= 0 && wanted.has(name) !== not;
    }
    if (keep) kept.push(line);
  }
  kept.push(Buffer.from('\r\n'));
  return Buffer.concat(kept);
}
