// Splits the bytes a POP3 client sends into lines. No I/O: fed chunks as they arrive, it
// returns the lines completed so far. A line longer than the limit is skipped up to its end
// and reported once, so the session can answer it and go on in step with the client.

export type Line = Readonly<{ kind: 'line'; text: string }> | Readonly<{ kind: 'too-long'; octets: number }>;

const LF = 0x0a;
const CR = 0x0d;

export class LineParser {
  private pending: Buffer[] = [];
  private pendingLength = 0;
  /** octets of an overlong line seen so far, while skipping it */
  private skipping: number | undefined;

  /** @param maxOctets longest accepted line, counting its CRLF */
  constructor(private readonly maxOctets: number) {}

  push(chunk: Uint8Array): Line[] {
    const data = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    const lines: Line[] = [];
    let start = 0;
    while (start < data.length) {
      const lf = data.indexOf(LF, start);
      const end = lf < 0 ? data.length : lf + 1;
      const piece = data.subarray(start, end);
      start = end;
      if (this.skipping === undefined && lf < 0 && this.pendingLength + piece.length > this.maxOctets - 1) {
        // Not even the CR of the CRLF fits any more: the line is too long, whatever follows.
        this.skipping = this.pendingLength;
        this.pending = [];
        this.pendingLength = 0;
      }
      if (this.skipping !== undefined) {
        this.skipping += piece.length;
        if (lf >= 0) {
          lines.push({ kind: 'too-long', octets: this.skipping });
          this.skipping = undefined;
        }
        continue;
      }
      if (lf < 0) {
        this.pending.push(Buffer.from(piece)); // copied: the caller may reuse its buffer
        this.pendingLength += piece.length;
        continue;
      }
      const whole = this.pending.length ? Buffer.concat([...this.pending, piece]) : piece;
      this.pending = [];
      this.pendingLength = 0;
      const text = textOf(whole);
      // The terminator counts as CRLF even when the client sent a bare LF.
      if (text.octets + 2 > this.maxOctets) lines.push({ kind: 'too-long', octets: whole.length });
      else lines.push({ kind: 'line', text: text.text });
    }
    return lines;
  }

  /** Forgets everything buffered (after STLS nothing sent in clear may be acted on). */
  reset(): void {
    this.pending = [];
    this.pendingLength = 0;
    this.skipping = undefined;
  }

  /** octets received that do not yet form a line */
  get buffered(): number {
    return this.pendingLength + (this.skipping ?? 0);
  }
}

/** The line without its CRLF (a bare LF is accepted too), as UTF-8. */
function textOf(line: Buffer): { text: string; octets: number } {
  let end = line.length - 1;
  if (end > 0 && line[end - 1] === CR) end--;
  return { text: line.toString('utf8', 0, end), octets: end };
}
