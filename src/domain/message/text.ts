// Bytes to strings for header values and charset-labelled text, never throwing on bad input.

const utf8Strict = new TextDecoder('utf-8', { fatal: true });
// WHATWG maps latin1 to windows-1252: every byte decodes, so nothing is lost to U+FFFD.
const latin1 = new TextDecoder('windows-1252');
const decoders = new Map<string, TextDecoder>();

/** Header bytes are UTF-8 (RFC 6532); legacy 8-bit headers fall back to Latin-1 rather than U+FFFD. */
export function decodeHeaderBytes(bytes: Uint8Array): string {
  try {
    return utf8Strict.decode(bytes);
  } catch {
    return latin1.decode(bytes);
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
  return decoder.decode(bytes);
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
    this.buffer.set(source.subarray(start, end), this.used);
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
