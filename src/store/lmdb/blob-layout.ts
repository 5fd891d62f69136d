// Where blobs sit in the environment. Content is split into fixed-size chunks written under
// the upload's own id as it arrives; only when the upload is complete and hashed does a
// manifest name it by its SHA-256, in the same transaction that drops the upload marker.
//   blobs        sha256 -> manifest                     a blob exists iff its manifest does
//   blobChunks   [uploadId, index] -> bytes             content, of sealed blobs and uploads
//   blobUploads  uploadId -> {pid, startedAt}           uploads not sealed yet (for the sweep)
import type { Database, RootDatabase } from 'lmdb';
import { BlobNotFound } from '../blob-store.ts';
import { CorruptBlob } from './errors.ts';
import { KEYS } from './key-encoder.ts';
import { PLAIN_VALUES } from './plain-values.ts';

export const CHUNK_SIZE = 64 * 1024;

export type Manifest = Readonly<{ size: number; chunkSize: number; chunks: number; uploadId: string }>;
export type UploadMarker = Readonly<{ pid: number; startedAt: number }>;

const LAST = Number.MAX_SAFE_INTEGER;

export class BlobLayout {
  readonly manifests: Database<Manifest, string>;
  readonly chunks: Database<Buffer, [string, number]>;
  readonly uploads: Database<UploadMarker, string>;

  constructor(readonly root: RootDatabase) {
    this.manifests = root.openDB<Manifest, string>('blobs', PLAIN_VALUES);
    this.chunks = root.openDB<Buffer, [string, number]>('blobChunks', { ...KEYS, encoding: 'binary' });
    this.uploads = root.openDB<UploadMarker, string>('blobUploads', PLAIN_VALUES);
  }

  manifest(blobId: string): Manifest {
    const manifest: unknown = this.manifests.get(blobId);
    if (manifest === undefined) throw new BlobNotFound(blobId);
    if (!isManifest(manifest)) throw new CorruptBlob(blobId, 'malformed manifest');
    return manifest;
  }

  /** The chunk's bytes, checked against the length the manifest implies. */
  chunk(blobId: string, manifest: Manifest, index: number): Buffer {
    const bytes = this.chunks.getBinary([manifest.uploadId, index]);
    const expected = Math.min(manifest.chunkSize, manifest.size - index * manifest.chunkSize);
    if (bytes === undefined) throw new CorruptBlob(blobId, `chunk ${index} of ${manifest.chunks} is missing`);
    if (bytes.length !== expected) {
      throw new CorruptBlob(blobId, `chunk ${index} holds ${bytes.length} bytes, expected ${expected}`);
    }
    return bytes;
  }

  /**
   * In a write transaction: names the upload's chunks as blob `blobId`, or, when that content
   * is already stored, drops them so identical content is kept once.
   */
  seal(blobId: string, manifest: Manifest): void {
    if (this.manifests.doesExist(blobId)) this.#removeChunks(manifest.uploadId);
    else this.manifests.put(blobId, manifest);
    this.uploads.remove(manifest.uploadId);
  }

  /** In a write transaction: drops an unsealed upload and everything written for it. */
  forget(uploadId: string): void {
    this.#removeChunks(uploadId);
    this.uploads.remove(uploadId);
  }

  #removeChunks(uploadId: string): void {
    // Collected first: removing under an open cursor of the same transaction is not safe.
    const keys = [...this.chunks.getKeys({ start: [uploadId, 0], end: [uploadId, LAST] })];
    for (const key of keys) this.chunks.remove(key);
  }
}

function isManifest(value: unknown): value is Manifest {
  return (
    typeof value === 'object' &&
    value !== null &&
    'uploadId' in value &&
    typeof value.uploadId === 'string' &&
    'size' in value &&
    'chunkSize' in value &&
    'chunks' in value &&
    typeof value.size === 'number' &&
    typeof value.chunkSize === 'number' &&
    value.chunkSize > 0 &&
    value.chunks === Math.ceil(value.size / value.chunkSize)
  );
}
