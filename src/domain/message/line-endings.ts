// Messages are stored with CRLF line endings, whatever the client or file used: IMAP sizes
// and byte ranges count CRLF.

const CR = 0x0d;
const LF = 0x0a;

/** Turns bare LF into CRLF, across chunk boundaries; CRLF and lone CR pass unchanged. */
export class LineEndings {
  private afterCR = false;

  push(chunk: Uint8Array): Buffer {
    // From line feed to line feed (a native search), not byte by byte: most lines are long.
    let bare = 0;
    for (let i = chunk.indexOf(LF); i >= 0; i = chunk.indexOf(LF, i + 1)) {
      if (!(i === 0 ? this.afterCR : chunk[i - 1] === CR)) bare++;
    }
    const prevCR = this.afterCR;
    if (chunk.length) this.afterCR = chunk[chunk.length - 1] === CR;
    if (!bare) return Buffer.from(chunk.buffer, chunk.byteOffset, chunk.length);
    const out = Buffer.allocUnsafe(chunk.length + bare);
    let o = 0;
    let from = 0;
    for (let i = chunk.indexOf(LF); i >= 0; i = chunk.indexOf(LF, i + 1)) {
      if (i === 0 ? prevCR : chunk[i - 1] === CR) continue;
      out.set(chunk.subarray(from, i), o);
      o += i - from;
      out[o++] = CR;
      from = i;
    }
    out.set(chunk.subarray(from), o);
    return out;
  }
}

/** The same, over a whole stream. */
export async function* withCrlf(source: AsyncIterable<Uint8Array>): AsyncIterable<Uint8Array> {
  const endings = new LineEndings();
  for await (const chunk of source) yield endings.push(chunk);
}
