// Modified UTF-7 for mailbox names on the wire (RFC 3501 section 5.1.3): printable ASCII as
// itself, "&" as "&-", anything else as "&" + base64 of UTF-16BE with "," for "/" + "-".

export function encodeMailboxName(name: string): string {
  let out = '';
  let pending: number[] = [];
  const flush = () => {
    if (!pending.length) return;
    const bytes = Buffer.alloc(pending.length * 2);
    pending.forEach((unit, i) => bytes.writeUInt16BE(unit, i * 2));
    out += '&' + bytes.toString('base64').replace(/=+$/, '').replace(/\//g, ',') + '-';
    pending = [];
  };
  for (let i = 0; i < name.length; i++) {
    const unit = name.charCodeAt(i);
    if (unit >= 0x20 && unit <= 0x7e) {
      flush();
      out += unit === 0x26 ? '&-' : name[i];
    } else pending.push(unit);
  }
  flush();
  return out;
}

/** Decodes a name from the wire; null when it is not valid modified UTF-7. */
export function decodeMailboxName(wire: string): string | null {
  let out = '';
  let i = 0;
  while (i < wire.length) {
    const c = wire.charCodeAt(i);
    if (c < 0x20 || c > 0x7e) return wire.includes('&') ? null : wire.normalize('NFC'); // raw UTF-8 name
    if (c !== 0x26) {
      out += wire[i++];
      continue;
    }
    const end = wire.indexOf('-', i + 1);
    if (end < 0) return null;
    const encoded = wire.slice(i + 1, end);
    i = end + 1;
    if (encoded === '') {
      out += '&';
      continue;
    }
    if (!/^[A-Za-z0-9+,]+$/.test(encoded)) return null;
    const bytes = Buffer.from(encoded.replace(/,/g, '/'), 'base64');
    if (bytes.length % 2 !== 0 || bytes.length === 0) return null;
    let chunk = '';
    for (let k = 0; k < bytes.length; k += 2) chunk += String.fromCharCode(bytes.readUInt16BE(k));
    // Printable ASCII must not be encoded, and the result must round-trip.
    if (/[\x20-\x7e]/.test(chunk) || encodeMailboxName(chunk) !== `&${encoded}-`) return null;
    out += chunk;
  }
  return out;
}
