// Content-addressed storage for raw messages: the id is the SHA-256 of the bytes.
import type { Readable } from 'node:stream';

export type BlobRef = Readonly<{
  /** lowercase hex SHA-256 of the content */
  blobId: string;
  size: number;
  /**
   * With `deferred`: settles once the blob is durable, rejects when its write fails. Call it
   * once the appends naming the blob are done (failed or not): a blob no append wrote by then
   * is written on its own.
   */
  durable?: () => Promise<void>;
}>;

export type PutOptions = Readonly<{
  /** refuse (BlobTooLarge) once more than this many bytes have arrived; nothing is kept */
  maxSize?: number;
  /**
   * Resolve before the blob's last write is on disk: that write waits for the next append that
   * names the blob in its `blobs`, and is made in that append's commit; `durable` ends the wait.
   */
  deferred?: boolean;
}>;

export interface BlobStore {
  /**
   * Stores bytes as they arrive, hashing on the way. Identical content is stored once.
   * Resolves only once the blob is durable on disk (unless `deferred`).
   */
  put(source: AsyncIterable<Uint8Array>, options?: PutOptions): Promise<BlobRef>;
  /** the whole content as a stream; BlobNotFound when absent */
  get(blobId: string): Readable;
  /** bytes [start, end) of the content; for partial fetches */
  getRange(blobId: string, start: number, end: number): Promise<Buffer>;
  has(blobId: string): Promise<boolean>;
  size(blobId: string): Promise<number | undefined>;
}

export class BlobNotFound extends Error {
  readonly type = 'BlobNotFound' as const;
  constructor(readonly blobId: string) {
    super(`blob ${blobId} not found`);
    this.name = 'BlobNotFound';
  }
}

export class BlobTooLarge extends Error {
  readonly type = 'BlobTooLarge' as const;
  constructor(readonly limit: number) {
    super(`message exceeds the size limit of ${limit} bytes`);
    this.name = 'BlobTooLarge';
  }
}
