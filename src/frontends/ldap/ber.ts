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

/** PartialAttribute ::= SEQUENCE { type AttributeDescription, vals SET OF AttributeValue } */
export function partialAttribute(name: string, values: readonly string[]): Buffer {
  return tlv(0x30, [octetString(name), tlv(0x31, values.map((v) => octetString(v)))]);
}

/**
 * LDAPMessage { messageID, SearchResultEntry [APPLICATION 4] { objectName, attributes } },
 * written into one buffer from the encoded DN and attribute encodings.
 */
export function searchResultEntry(messageId: number, encodedDn: Buffer, attributes: readonly Buffer[]): Buffer {
  const id = integer(messageId);
  let attrsLength = 0;
  for (const a of attributes) attrsLength += a.length;
  const entryLength = encodedDn.length + headerSize(attrsLength) + attrsLength;
  const messageLength = id.length + headerSize(entryLength) + entryLength;
  const out = Buffer.allocUnsafe(headerSize(messageLength) + messageLength);
  let at = writeHeader(out, 0, 0x30, messageLength);
  at += id.copy(out, at);
  at = writeHeader(out, at, 0x64, entryLength);
  at += encodedDn.copy(out, at);
  at = writeHeader(out, at, 0x30, attrsLength);
  for (const a of attributes) at += a.copy(out, at);
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
