// One blob upload in progress: bytes are hashed and cut into fixed-size chunks as they
// arrive, and each chunk is written under the upload's id without waiting for the rest.
import { createHash, randomUUID } from 'node:crypto';
import { BlobTooLarge, type BlobRef } from '../blob-store.ts';
import { CHUNK_SIZE, type BlobLayout } from './blob-layout.ts';
import { durably } from './commit.ts';
import type { HeldSeals } from './held-seals.ts';

// Chunk writes allowed in flight before the upload waits for the oldest: bounds the memory
// one upload holds (16 x 64 KiB) while still letting many chunks share a commit.
const MAX_WRITES_IN_FLIGHT = 16;

export class BlobUpload {
  // Starts with the time: the chunks of uploads made close together share leaf pages, so a
  // commit of many messages writes few pages of the chunk index. (Node pools randomUUID's bytes.)
  readonly #id = Date.now().toString(36).padStart(9, '0') + '-' + randomUUID();
  readonly #hash = createHash('sha256');
  readonly #writes: Promise<unknown>[] = [];
  #size = 0;
  #chunks = 0;
  // Grown to CHUNK_SIZE as content arrives: most mail is far smaller than a chunk, and a
  // chunk-sized buffer for each would cost more to allocate than the message to store.
  #chunk = Buffer.allocUnsafe(0);
  #filled = 0;
  /** whether anything was written yet: a message smaller than a chunk is written in one commit at seal */
  #started = false;

  constructor(
    private readonly layout: BlobLayout,
    private readonly maxSize: number | undefined,
    private readonly held: HeldSeals,
  ) {}

  /** Takes the next piece of content; throws BlobTooLarge as soon as the limit is passed. */
  async add(piece: Uint8Array): Promise<void> {
    this.#size += piece.length;
    if (this.maxSize !== undefined && this.#size > this.maxSize) throw new BlobTooLarge(this.maxSize);
    this.#hash.update(piece);
    for (let offset = 0; offset < piece.length; ) {
      const taken = Math.min(piece.length - offset, CHUNK_SIZE - this.#filled);
      this.#reserve(this.#filled + taken);
      this.#chunk.set(piece.subarray(offset, offset + taken), this.#filled);
      this.#filled += taken;
      offset += taken;
      if (this.#filled === CHUNK_SIZE) await this.#writeChunk();
    }
  }

  /**
   * Ends the upload: the blob is durable (stored now, or already before) when this resolves;
   * `deferred`, its last write is held for the append that names it (see held-seals.ts).
   */
  async seal(deferred = false): Promise<BlobRef> {
    if (!this.#started) return this.#sealSmall(deferred);
    if (this.#filled > 0) await this.#writeChunk();
    await Promise.all(this.#writes.splice(0));
    const blobId = this.#hash.digest('hex');
    const manifest = { size: this.#size, chunkSize: CHUNK_SIZE, chunks: this.#chunks, uploadId: this.#id };
    return this.#sealed(blobId, () => {
      // Written already, in this transaction or an earlier one: the seal is held for more than one append.
      if (this.layout.manifests.get(blobId)?.uploadId === this.#id) return;
      this.layout.seal(blobId, manifest);
    }, deferred);
  }

  /** Drops everything written for this upload, once the writes still in flight have landed. */
  async discard(): Promise<void> {
    if (!this.#started) return;
    await Promise.allSettled(this.#writes.splice(0));
    await durably(this.layout.root.transaction(() => this.layout.forget(this.#id)));
  }

  /** Content that fits one chunk: chunk and manifest in one transaction, or nothing when already stored. */
  async #sealSmall(deferred: boolean): Promise<BlobRef> {
    const blobId = this.#hash.digest('hex');
    // A copy the size of the content: lmdb-js holds what it writes until the commit, and a
    // deferred seal may wait for one; a view would hold the whole chunk buffer that long.
    const bytes = Buffer.from(this.#chunk.subarray(0, this.#filled));
    const manifest = { size: this.#size, chunkSize: CHUNK_SIZE, chunks: this.#filled > 0 ? 1 : 0, uploadId: this.#id };
    return this.#sealed(blobId, () => {
      if (this.layout.manifests.doesExist(blobId)) return;
      if (this.#filled > 0) this.layout.chunks.put([this.#id, 0], bytes);
      this.layout.manifests.put(blobId, manifest);
    }, deferred);
  }

  /** The sealing transaction, awaited, or held (`write` must then be safe to run again). */
  async #sealed(blobId: string, write: () => void, deferred: boolean): Promise<BlobRef> {
    if (!deferred) {
      await durably(this.layout.root.transaction(write));
      return { blobId, size: this.#size };
    }
    const seal = this.held.hold(blobId, write);
    return { blobId, size: this.#size, durable: () => seal.durable() };
  }

  async #writeChunk(): Promise<void> {
    if (!this.#started) {
      // Queued ahead of the first chunk, so chunks on disk always have a marker to sweep by.
      this.#started = true;
      this.#track(this.layout.uploads.put(this.#id, { pid: process.pid, startedAt: Date.now() }));
    }
    const bytes = this.#filled === this.#chunk.length ? this.#chunk : this.#chunk.subarray(0, this.#filled);
    // A fresh buffer per chunk: lmdb-js holds on to `bytes` until its commit. Content that
    // filled one chunk is likely to fill the next.
    this.#chunk = Buffer.allocUnsafe(CHUNK_SIZE);
    this.#filled = 0;
    this.#track(this.layout.chunks.put([this.#id, this.#chunks++], bytes));
    if (this.#writes.length > MAX_WRITES_IN_FLIGHT) await this.#writes.shift();
  }

  /** Makes the chunk buffer hold at least `size` bytes (at most CHUNK_SIZE), keeping what it has. */
  #reserve(size: number): void {
    if (size <= this.#chunk.length) return;
    const grown = Buffer.allocUnsafe(Math.min(CHUNK_SIZE, Math.max(size, 2 * this.#chunk.length, 4096)));
    this.#chunk.copy(grown, 0, 0, this.#filled);
    this.#chunk = grown;
  }

  #track(write: Promise<unknown>): void {
    const durable = durably(write);
    // Awaited later (seal, discard or backpressure); marked handled now so a failure while
    // the source is still being read is not an unhandled rejection.
    durable.catch(() => {});
    this.#writes.push(durable);
  }
}
