// Bytes to strings for header values and charset-labelled text, never throwing on bad input.

const utf8Strict = new TextDecoder('utf-8', { fatal: true });
const decoders = new Map<string, TextDecoder>();

/** Header bytes are UTF-8 (RFC 6532); legacy 8-bit headers fall back to windows-1252 (a superset
 * of Latin-1 where every byte decodes) rather than to U+FFFD. */
export function decodeHeaderBytes(bytes: Uint8Array): string {
  try {
    return utf8Strict.decode(bytes);
  } catch {
    return decodeWindows1252(bytes);
  }
}

/** Decodes bytes in a MIME charset; null when TextDecoder does not know the charset. */
export function decodeCharset(bytes: Uint8Array, charset: string): string | null {
  const label = charset.trim().toLowerCase();
  let decoder = decoders.get(label);
  if (decoder === undefined) {
    try {
      decoder = new TextDecoder(label);
    } catch {
      return null;
    }
    // Only known labels are cached, so hostile input cannot grow the map without bound.
    decoders.set(label, decoder);
  }
  // WHATWG reads iso-8859-1 and us-ascii as windows-1252 too, which is what mail needs.
  return decoder.encoding === 'windows-1252' ? decodeWindows1252(bytes) : decoder.decode(bytes);
}

// Bytes 0x80-0x9F of windows-1252 (WHATWG index). Node 20's TextDecoder decodes them as C1
// controls, losing the euro sign and the curly quotes Outlook puts in subjects.
const CP1252_80_9F = [
  0x20ac, 0x81, 0x201a, 0x192, 0x201e, 0x2026, 0x2020, 0x2021, 0x2c6, 0x2030, 0x160, 0x2039, 0x152, 0x8d, 0x17d, 0x8f,
  0x90, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014, 0x2dc, 0x2122, 0x161, 0x203a, 0x153, 0x9d, 0x17e, 0x178,
];

function decodeWindows1252(bytes: Uint8Array): string {
  let out = '';
  for (let start = 0; start < bytes.length; start += 8192) {
    const codes = Array.from(bytes.subarray(start, start + 8192), (b) => (b >= 0x80 && b < 0xa0 ? (CP1252_80_9F[b - 0x80] as number) : b));
    out += String.fromCharCode(...codes);
  }
  return out;
}

const utf8Encoder = new TextEncoder();

export function utf8Bytes(text: string): Uint8Array {
  return utf8Encoder.encode(text);
}

/**
 * A growable byte buffer that refuses to grow past `limit`: the scanner keeps header blocks
 * in it, and a header larger than the limit must cost no more memory than the limit.
 */
export class ByteCollector {
  private buffer = new Uint8Array(1024);
  private used = 0;

  constructor(private readonly limit: number) {}

  get length(): number {
    return this.used;
  }

  /** Appends bytes [start, end) of `source`; false (and nothing appended) past the limit. */
  append(source: Uint8Array, start: number, end: number): boolean {
    const needed = this.used + (end - start);
    if (needed > this.limit) return false;
    if (needed > this.buffer.length) {
      const grown = new Uint8Array(Math.min(this.limit, Math.max(needed, this.buffer.length * 2)));
      grown.set(this.buffer.subarray(0, this.used));
      this.buffer = grown;
    }
    // Header lines are short: a byte at a time costs less than a view of each.
    if (end - start <= 64) for (let k = start, at = this.used; k < end; k++, at++) this.buffer[at] = source[k] as number;
    else this.buffer.set(source.subarray(start, end), this.used);
    this.used = needed;
    return true;
  }

  truncate(length: number): void {
    this.used = Math.min(this.used, length);
  }

  /** A view of the collected bytes; valid until the next append or reset. */
  view(): Uint8Array {
    return this.buffer.subarray(0, this.used);
  }

  reset(): void {
    this.used = 0;
    // Give back the memory of a large header block instead of keeping it for the next part.
    if (this.buffer.length > 64 * 1024) this.buffer = new Uint8Array(1024);
  }
}
