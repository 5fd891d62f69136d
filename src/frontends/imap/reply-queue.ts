// Replies on their way to one client: gathered so a reply goes out in one write (and mostly one
// packet) rather than one per piece, with text encoded once per write rather than once per piece.
import type { Piece } from './protocol/strings.ts';

/** queued replies are sent once this much has gathered, even before the tagged reply */
const SEND_AT = 64 * 1024;

export class ReplyQueue {
  #bytes: Buffer[] = [];
  /** text queued after the last of `#bytes`, not yet encoded */
  #text = '';
  /** queued length (text counted in characters: this only decides when to send) */
  #size = 0;

  add(pieces: readonly Piece[]): void {
    for (const piece of pieces) {
      if (typeof piece === 'string') this.#text += piece;
      else {
        this.#settleText();
        this.#bytes.push(piece);
      }
      this.#size += piece.length;
    }
  }

  /** Enough has gathered to send before the reply is complete. */
  get full(): boolean {
    return this.#size >= SEND_AT;
  }

  /** Everything queued, as one buffer; the queue is empty afterwards. */
  take(): Buffer {
    this.#settleText();
    const data = this.#bytes.length === 1 ? this.#bytes[0]! : Buffer.concat(this.#bytes);
    this.#bytes = [];
    this.#size = 0;
    return data;
  }

  #settleText(): void {
    if (!this.#text) return;
    this.#bytes.push(Buffer.from(this.#text, 'utf8'));
    this.#text = '';
  }
}
