// The few BER encodings the LDAP front-end writes itself: search result entries are assembled
// from attribute encodings made once per directory snapshot, so answering a search is copying.

function lengthOctets(length: number): number {
  return length < 0x80 ? 1 : length < 0x100 ? 2 : length < 0x10000 ? 3 : length < 0x1000000 ? 4 : 5;
}

function writeHeader(out: Buffer, at: number, tag: number, length: number): number {
  out[at++] = tag;
  const n = lengthOctets(length) - 1;
  if (n === 0) {
    out[at++] = length;
    return at;
  }
  out[at++] = 0x80 | n;
  for (let i = n - 1; i >= 0; i--) out[at++] = (length >>> (8 * i)) & 0xff;
  return at;
}

const headerSize = (length: number) => 1 + lengthOctets(length);

/** One TLV around already-encoded content. */
export function tlv(tag: number, parts: readonly Buffer[]): Buffer {
  let length = 0;
  for (const p of parts) length += p.length;
  const out = Buffer.allocUnsafe(headerSize(length) + length);
  let at = writeHeader(out, 0, tag, length);
  for (const p of parts) at += p.copy(out, at);
  return out;
}

export const octetString = (value: string | Buffer) => tlv(0x04, [typeof value === 'string' ? Buffer.from(value, 'utf8') : value]);

/** INTEGER (non-negative, as message ids are). */
export function integer(value: number): Buffer {
  const bytes: number[] = [];
  let v = value;
  do {
    bytes.unshift(v & 0xff);
    v = Math.floor(v / 256);
  } while (v > 0);
  if (bytes[0]! & 0x80) bytes.unshift(0);
  return Buffer.from([0x02, bytes.length, ...bytes]);
}

export type EncodedEntry = Readonly<{
  /** the DN as an OCTET STRING, then for each attribute its PartialAttribute and its type-only form */
  buffer: Buffer;
  dnEnd: number;
  /** four numbers per attribute: its index in the input, start, end of the full form, end of the type-only form */
  spans: Int32Array;
}>;

/** Encodes an entry's DN and attributes into one buffer (one allocation per entry, not per value). */
export function encodeEntry(dn: string, attributes: readonly (readonly [name: string, values: readonly string[]])[]): EncodedEntry {
  const dnBytes = Buffer.byteLength(dn);
  let total = headerSize(dnBytes) + dnBytes;
  const sizes = attributes.map(([name, values]) => {
    const nameBytes = Buffer.byteLength(name);
    const nameTlv = headerSize(nameBytes) + nameBytes;
    const valueBytes = values.map((v) => Buffer.byteLength(v));
    const setLength = valueBytes.reduce((sum, n) => sum + headerSize(n) + n, 0);
    const full = nameTlv + headerSize(setLength) + setLength;
    const typeOnly = nameTlv + 2;
    total += headerSize(full) + full + headerSize(typeOnly) + typeOnly;
    return { nameBytes, valueBytes, setLength, full, typeOnly };
  });
  const buffer = Buffer.allocUnsafe(total);
  const octets = (at: number, text: string, bytes: number) => {
    at = writeHeader(buffer, at, 0x04, bytes);
    return at + buffer.write(text, at, bytes, 'utf8');
  };
  let at = octets(0, dn, dnBytes);
  const dnEnd = at;
  const spans = new Int32Array(attributes.length * 4);
  attributes.forEach(([name, values], i) => {
    const size = sizes[i]!;
    spans[i * 4] = i;
    spans[i * 4 + 1] = at;
    at = writeHeader(buffer, at, 0x30, size.full);
    at = octets(at, name, size.nameBytes);
    at = writeHeader(buffer, at, 0x31, size.setLength);
    values.forEach((v, k) => (at = octets(at, v, size.valueBytes[k]!)));
    spans[i * 4 + 2] = at;
    at = writeHeader(buffer, at, 0x30, size.typeOnly);
    at = octets(at, name, size.nameBytes);
    at = writeHeader(buffer, at, 0x31, 0);
    spans[i * 4 + 3] = at;
  });
  return { buffer, dnEnd, spans };
}

/**
 * LDAPMessage { messageID, SearchResultEntry [APPLICATION 4] { objectName, attributes } },
 * copied from an encoded entry: the DN and the chosen attribute ranges ([start, end] pairs).
 */
export function searchResultEntry(messageId: number, entry: EncodedEntry, ranges: readonly number[]): Buffer {
  const id = integer(messageId);
  let attrsLength = 0;
  for (let i = 0; i < ranges.length; i += 2) attrsLength += ranges[i + 1]! - ranges[i]!;
  const entryLength = entry.dnEnd + headerSize(attrsLength) + attrsLength;
  const messageLength = id.length + headerSize(entryLength) + entryLength;
  const out = Buffer.allocUnsafe(headerSize(messageLength) + messageLength);
  let at = writeHeader(out, 0, 0x30, messageLength);
  at += id.copy(out, at);
  at = writeHeader(out, at, 0x64, entryLength);
  at += entry.buffer.copy(out, at, 0, entry.dnEnd);
  at = writeHeader(out, at, 0x30, attrsLength);
  for (let i = 0; i < ranges.length; i += 2) at += entry.buffer.copy(out, at, ranges[i]!, ranges[i + 1]!);
  return out;
}

/**
 * Where the LDAPMessage that starts a buffer ends: its total size once the header is complete,
 * undefined while more bytes are needed, or 'malformed' when it cannot be an LDAPMessage.
 */
export function messageSize(buffer: Buffer, offset = 0): number | undefined | 'malformed' {
  if (buffer.length <= offset) return undefined;
  if (buffer[offset] !== 0x30) return 'malformed';
  if (buffer.length < offset + 2) return undefined;
  const first = buffer[offset + 1]!;
  if (first < 0x80) return 2 + first;
  const n = first & 0x7f;
  if (n === 0 || n > 4) return 'malformed';
  if (buffer.length < offset + 2 + n) return undefined;
  let length = 0;
  for (let i = 0; i < n; i++) length = length * 256 + buffer[offset + 2 + i]!;
  return 2 + n + length;
}
