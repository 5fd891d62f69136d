// Turns stored message bytes into the body of a RETR or TOP response as they stream past:
// CRLF line ends, dot-stuffing, and for TOP a cut after the header and n body lines.
// Pure: fed chunks, returns bytes; nothing is buffered beyond the current chunk.

const LF = 0x0a;
const CR = 0x0d;
const DOT = 0x2e;
const CRLF = Buffer.from('\r\n', 'latin1');
const EXTRA_DOT = Buffer.from('.', 'latin1');

export class DotStuffer {
  private atLineStart = true;
  private lastWasCR = false;

  push(chunk: Buffer): Buffer {
    const parts: Buffer[] = [];
    let pos = 0;
    while (pos < chunk.length) {
      if (this.atLineStart && chunk[pos] === DOT) parts.push(EXTRA_DOT);
      const lf = chunk.indexOf(LF, pos);
      if (lf < 0) {
        parts.push(chunk.subarray(pos));
        this.lastWasCR = chunk[chunk.length - 1] === CR;
        this.atLineStart = false;
        break;
      }
      const crBefore = lf > pos ? chunk[lf - 1] === CR : pos === 0 && this.lastWasCR;
      if (crBefore) {
        parts.push(chunk.subarray(pos, lf + 1));
      } else {
        parts.push(chunk.subarray(pos, lf), CRLF); // a bare LF becomes CRLF
      }
      pos = lf + 1;
      this.atLineStart = true;
      this.lastWasCR = false;
    }
    return parts.length === 1 ? parts[0]! : Buffer.concat(parts);
  }

  /** Ends the last line if the message did not, then the terminating ".". */
  end(): Buffer {
    return Buffer.from(this.atLineStart ? '.\r\n' : '\r\n.\r\n', 'latin1');
  }
}

/** Passes the header, the blank line after it and `lines` body lines, then nothing more. */
export class TopFilter {
  private inHeader = true;
  private lineIsEmpty = true; // so far, the current line holds nothing but CRs
  private remaining: number;

  constructor(lines: number) {
    this.remaining = lines;
  }

  get done(): boolean {
    return !this.inHeader && this.remaining <= 0;
  }

  push(chunk: Buffer): Buffer {
    if (this.done) return chunk.subarray(0, 0);
    let pos = 0;
    while (pos < chunk.length) {
      const lf = chunk.indexOf(LF, pos);
      if (lf < 0) {
        if (this.inHeader && !onlyCR(chunk, pos, chunk.length)) this.lineIsEmpty = false;
        return chunk;
      }
      if (this.inHeader) {
        if (this.lineIsEmpty && onlyCR(chunk, pos, lf)) this.inHeader = false;
        this.lineIsEmpty = true;
      } else {
        this.remaining--;
      }
      pos = lf + 1;
      if (this.done) return chunk.subarray(0, pos);
    }
    return chunk;
  }
}

function onlyCR(chunk: Buffer, from: number, to: number): boolean {
  for (let i = from; i < to; i++) if (chunk[i] !== CR) return false;
  return true;
}
