// DATA as it arrives: counted against the size limit, hashed as the client sent it (the hash
// that recognises a resend), line endings made CRLF, and our trace header fields streamed in
// front. Nothing here holds more than one chunk and the first line.
import { createHash } from 'node:crypto';
import { SmtpRefusal } from './replies.ts';
import { LineEndings } from '../../domain/message/line-endings.ts';

export { LineEndings };

const CR = 0x0d;
const LF = 0x0a;
/** a first line longer than this is not a header field we would recognise anyway */
const SNIFF_LIMIT = 998;
const HEADER_FIELD = /^[\x21-\x39\x3b-\x7e]+[ \t]*:/;

/**
 * Does the message start with its header? A message that starts with body text gets a blank
 * line after our trace fields, so its first line stays body and is not read as a header.
 */
export function needsSeparator(head: Uint8Array, complete: boolean): boolean {
  if (!head.length) return false;
  const eol = head.indexOf(LF);
  const line = Buffer.from(head.subarray(0, eol < 0 ? head.length : eol)).toString('latin1').replace(/\r$/, '');
  if (line === '' && (eol >= 0 || complete)) return false;
  return !HEADER_FIELD.test(line);
}

export class ClientMessage {
  private readonly hash = createHash('sha256');
  private received = 0;
  private digest: string | undefined;

  constructor(
    private readonly maxSize: number,
    /** our trace header fields, CRLF-terminated */
    private readonly trace: string,
  ) {}

  /** bytes the client sent */
  get size(): number {
    return this.received;
  }

  /** SHA-256 (hex) of the bytes the client sent; once the stream is consumed */
  get contentHash(): string {
    if (!this.digest) throw new Error('the message has not been read to its end');
    return this.digest;
  }

  /** The message as it is stored: trace fields, then the client's bytes with CRLF line endings. */
  async *stored(source: AsyncIterable<Uint8Array>): AsyncGenerator<Buffer> {
    const endings = new LineEndings();
    let head: Buffer | undefined = Buffer.alloc(0);
    for await (const chunk of source) {
      this.count(chunk);
      if (head) {
        head = Buffer.concat([head, chunk]);
        if (head.indexOf(LF) < 0 && head.length < SNIFF_LIMIT) continue;
        yield this.prefix(head, false);
        yield endings.push(head);
        head = undefined;
      } else {
        yield endings.push(chunk);
      }
    }
    if (head) {
      yield this.prefix(head, true);
      if (head.length) yield endings.push(head);
    }
    this.digest = this.hash.digest('hex');
  }

  private count(chunk: Uint8Array): void {
    this.received += chunk.length;
    if (this.received > this.maxSize) throw new SmtpRefusal('MessageTooLarge', `message exceeds the size limit of ${this.maxSize} bytes`);
    this.hash.update(chunk);
  }

  private prefix(head: Uint8Array, complete: boolean): Buffer {
    return Buffer.from(this.trace + (needsSeparator(head, complete) ? '\r\n' : ''), 'utf8');
  }
}
