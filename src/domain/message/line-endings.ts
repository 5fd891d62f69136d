// Messages are stored with CRLF line endings, whatever the client or file used: IMAP sizes
// and byte ranges count CRLF.

const CR = 0x0d;
const LF = 0x0a;

/** Turns bare LF into CRLF, across chunk boundaries; CRLF and lone CR pass unchanged. */
export class LineEndings {
  private afterCR = false;

  push(chunk: Uint8Array): Buffer {
    let bare = 0;
    for (let i = 0; i < chunk.length; i++) {
      if (chunk[i] === LF && !(i === 0 ? this.afterCR : chunk[i - 1] === CR)) bare++;
    }
    const prevCR = this.afterCR;
    if (chunk.length) this.afterCR = chunk[chunk.length - 1] === CR;
    if (!bare) return Buffer.from(chunk.buffer, chunk.byteOffset, chunk.length);
    const out = Buffer.allocUnsafe(chunk.length + bare);
    let o = 0;
    for (let i = 0; i < chunk.length; i++) {
      const c = chunk[i]!;
      if (c === LF && !(i === 0 ? prevCR : chunk[i - 1] === CR)) out[o++] = CR;
      out[o++] = c;
    }
    return out;
  }
}

/** The same, over a whole stream. */
export async function* withCrlf(source: AsyncIterable<Uint8Array>): AsyncIterable<Uint8Array> {
  const endings = new LineEndings();
  for await (const chunk of source) yield endings.push(chunk);
}
