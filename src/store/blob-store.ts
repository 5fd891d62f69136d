// Content-addressed storage for raw messages: the id is the SHA-256 of the bytes.
import type { Readable } from 'node:stream';

export type BlobRef = Readonly<{
  /** lowercase hex SHA-256 of the content */
  blobId: string;
  size: number;
  /** with `deferred`: settles once the blob is durable, rejects when its write fails */
  durable?: Promise<void>;
}>;

export type PutOptions = Readonly<{
  /** refuse (BlobTooLarge) once more than this many bytes have arrived; nothing is kept */
  maxSize?: number;
  /**
   * Resolve once the blob's last write is queued rather than on disk; `durable` tells when it
   * is. For a blob that an append names in its `blobs` right after: both then share one commit.
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
