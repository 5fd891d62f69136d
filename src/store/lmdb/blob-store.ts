// The BlobStore on LMDB, in the same environment as the log: raw messages stored by SHA-256,
// streamed in and out in 64 KiB chunks so no message is ever held whole in memory.
import { Readable } from 'node:stream';
import type { RootDatabase } from 'lmdb';
import type { BlobRef, BlobStore, PutOptions } from '../blob-store.ts';
import { BlobLayout, type Manifest } from './blob-layout.ts';
import { BlobUpload } from './blob-upload.ts';
import { durably } from './commit.ts';
import { HeldSeals } from './held-seals.ts';

export class LmdbBlobStore implements BlobStore {
  readonly #layout: BlobLayout;
  /** seals of deferred puts, held for the appends that name their blobs (the event store writes them) */
  readonly held: HeldSeals;

  constructor(root: RootDatabase) {
    this.#layout = new BlobLayout(root);
    this.held = new HeldSeals(root);
  }

  async put(source: AsyncIterable<Uint8Array>, options: PutOptions = {}): Promise<BlobRef> {
    const upload = new BlobUpload(this.#layout, options.maxSize, this.held);
    try {
      for await (const piece of source) await upload.add(piece);
      return await upload.seal(options.deferred ?? false);
    } catch (error) {
      // The cause matters more than a failed cleanup, whose leftovers the next start sweeps.
      await upload.discard().catch(() => undefined);
      throw error;
    }
  }

  get(blobId: string): Readable {
    return Readable.from(this.#chunksOf(blobId), { objectMode: false });
  }

  async getRange(blobId: string, start: number, end: number): Promise<Buffer> {
    if (!Number.isSafeInteger(start) || !Number.isSafeInteger(end) || start < 0 || end < start) {
      throw new RangeError(`invalid byte range [${start}, ${end}) of blob ${blobId}`);
    }
    const manifest = this.#layout.manifest(blobId);
    const stop = Math.min(end, manifest.size);
    if (start >= stop) return Buffer.alloc(0);
    const first = Math.floor(start / manifest.chunkSize);
    const last = Math.floor((stop - 1) / manifest.chunkSize);
    const parts: Buffer[] = [];
    for (let index = first; index <= last; index++) parts.push(this.#layout.chunk(blobId, manifest, index));
    const offset = start - first * manifest.chunkSize;
    return Buffer.concat(parts).subarray(offset, offset + stop - start);
  }

  async has(blobId: string): Promise<boolean> {
    return this.#layout.manifests.doesExist(blobId);
  }

  async size(blobId: string): Promise<number | undefined> {
    return this.#layout.manifests.doesExist(blobId) ? this.#layout.manifest(blobId).size : undefined;
  }

  /**
   * Drops uploads left unsealed by a process that is gone (a crash mid-upload); an upload of a
   * process still running, this one included, is left alone. Returns how many were dropped.
   */
  async sweepAbandonedUploads(): Promise<number> {
    // A restarted container often gets its old pid back: a marker with our pid from before we
    // started is a previous incarnation's.
    const thisProcessStarted = Date.now() - process.uptime() * 1000;
    const abandoned: string[] = [];
    for (const { key, value } of this.#layout.uploads.getRange()) {
      const earlierSelf = value.pid === process.pid && !(value.startedAt >= thisProcessStarted);
      if (earlierSelf || !isRunning(value.pid)) abandoned.push(key);
    }
    if (abandoned.length > 0) {
      await durably(this.#layout.root.transaction(() => abandoned.forEach((id) => this.#layout.forget(id))));
    }
    return abandoned.length;
  }

  *#chunksOf(blobId: string): Generator<Buffer> {
    const manifest: Manifest = this.#layout.manifest(blobId);
    for (let index = 0; index < manifest.chunks; index++) yield this.#layout.chunk(blobId, manifest, index);
  }
}

function isRunning(pid: unknown): boolean {
  if (typeof pid !== 'number') return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to someone else.
    return error instanceof Error && 'code' in error && error.code === 'EPERM';
  }
}
