// The LMDB BlobStore: content in and out by SHA-256, stored once, and nothing left behind
// by an upload that is refused, aborted, or cut short by a crash.
import { describe, it, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { Readable } from 'node:stream';
import { BlobNotFound, BlobTooLarge } from '../../src/store/blob-store.ts';
import { openLmdbStorage, type LmdbStorage } from '../../src/store/lmdb/open.ts';
import { openTempStorage } from './temp-storage.ts';

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

/** Deterministic, non-repeating content: every byte depends on its offset. */
function content(size: number, seed = 1): Buffer {
  const bytes = Buffer.allocUnsafe(size);
  let x = seed;
  for (let i = 0; i < size; i++) {
    x = (x * 1103515245 + 12345) >>> 0;
    bytes[i] = x >>> 24;
  }
  return bytes;
}

/** Yields the content in pieces of uneven sizes, as a socket would. */
async function* pieces(bytes: Buffer, sizes = [1, 1000, 65536, 70000, 3]): AsyncGenerator<Uint8Array> {
  for (let offset = 0, i = 0; offset < bytes.length; i++) {
    const size = sizes[i % sizes.length]!;
    yield bytes.subarray(offset, offset + size);
    offset += size;
  }
}

async function readAll(stream: Readable): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const part of stream) parts.push(part);
  return Buffer.concat(parts);
}

function stored(storage: LmdbStorage): { chunks: number; manifests: number; uploads: number } {
  const count = (name: string, encoding?: 'binary') =>
    storage.root.openDB(name, encoding ? { encoding } : {}).getKeysCount();
  return { chunks: count('blobChunks', 'binary'), manifests: count('blobs'), uploads: count('blobUploads') };
}

describe('lmdb blob store', () => {
  let storage: LmdbStorage;
  let dir: string;
  let close: () => Promise<void>;

  beforeEach(async () => {
    ({ storage, dir, close } = await openTempStorage());
  });
  afterEach(async () => {
    await close();
  });

  it('stores content by its SHA-256 and gives it back whole, in ranges, with its size', async () => {
    const bytes = content(200_000);
    const ref = await storage.blobs.put(pieces(bytes));
    assert.deepEqual(ref, { blobId: sha256(bytes), size: bytes.length });
    assert.equal(await storage.blobs.has(ref.blobId), true);
    assert.equal(await storage.blobs.size(ref.blobId), bytes.length);
    assert.ok((await readAll(storage.blobs.get(ref.blobId))).equals(bytes));
    for (const [start, end] of [[0, 10], [65530, 65540], [65536, 131072], [100, 199_999], [199_990, 300_000], [500_000, 600_000]] as const) {
      assert.ok((await storage.blobs.getRange(ref.blobId, start, end)).equals(bytes.subarray(start, end)), `[${start}, ${end})`);
    }
  });

  it('stores the empty message too', async () => {
    const ref = await storage.blobs.put(pieces(Buffer.alloc(0)));
    assert.deepEqual(ref, { blobId: sha256(Buffer.alloc(0)), size: 0 });
    assert.equal((await readAll(storage.blobs.get(ref.blobId))).length, 0);
  });

  it('answers for a missing blob without throwing on has and size', async () => {
    const missing = sha256(Buffer.from('never stored'));
    assert.equal(await storage.blobs.has(missing), false);
    assert.equal(await storage.blobs.size(missing), undefined);
    await assert.rejects(readAll(storage.blobs.get(missing)), BlobNotFound);
    await assert.rejects(storage.blobs.getRange(missing, 0, 1), BlobNotFound);
  });

  it('stores identical content once, however often and concurrently it arrives', async () => {
    const bytes = content(150_000, 7);
    const refs = await Promise.all(Array.from({ length: 4 }, () => storage.blobs.put(pieces(bytes))));
    await storage.blobs.put(pieces(bytes, [4096]));
    for (const ref of refs) assert.equal(ref.blobId, sha256(bytes));
    assert.deepEqual(stored(storage), { chunks: 3, manifests: 1, uploads: 0 });
  });

  it('refuses content over maxSize as soon as it passes the limit, keeping nothing', async () => {
    let pulled = 0;
    async function* endless(): AsyncGenerator<Uint8Array> {
      for (;;) {
        pulled++;
        yield content(10_000, pulled);
      }
    }
    await assert.rejects(storage.blobs.put(endless(), { maxSize: 100_000 }), (error: unknown) => {
      assert.ok(error instanceof BlobTooLarge);
      assert.equal(error.limit, 100_000);
      return true;
    });
    assert.equal(pulled, 11);
    assert.deepEqual(stored(storage), { chunks: 0, manifests: 0, uploads: 0 });
  });

  it('keeps nothing of a source that fails mid-way', async () => {
    const failure = new Error('client went away');
    async function* broken(): AsyncGenerator<Uint8Array> {
      yield content(300_000);
      throw failure;
    }
    await assert.rejects(storage.blobs.put(broken()), (error) => error === failure);
    assert.deepEqual(stored(storage), { chunks: 0, manifests: 0, uploads: 0 });
  });

  it('round-trips a 20 MB message with the right SHA-256', async () => {
    const bytes = content(20 * 1024 * 1024, 3);
    const ref = await storage.blobs.put(Readable.from(pieces(bytes, [16384, 65536, 1])));
    assert.equal(ref.blobId, sha256(bytes));
    const hash = createHash('sha256');
    let size = 0;
    for await (const part of storage.blobs.get(ref.blobId)) {
      hash.update(part);
      size += part.length;
    }
    assert.equal(size, bytes.length);
    assert.equal(hash.digest('hex'), ref.blobId);
  });

  it('sweeps at startup the uploads of a process that died mid-upload, and only those', async () => {
    const dead = spawnSync(process.execPath, ['-e', '0']).pid;
    assert.ok(dead !== undefined);
    const chunks = storage.root.openDB<Buffer, [string, number]>('blobChunks', { encoding: 'binary' });
    const uploads = storage.root.openDB('blobUploads', {});
    await storage.root.transaction(() => {
      uploads.put('crashed-upload', { pid: dead, startedAt: Date.now() });
      chunks.put(['crashed-upload', 0], content(1000));
      uploads.put('live-upload', { pid: process.pid, startedAt: Date.now() });
      chunks.put(['live-upload', 0], content(1000));
      // Our own pid, but from before this process started: a restarted container's.
      uploads.put('earlier-incarnation', { pid: process.pid, startedAt: 0 });
      chunks.put(['earlier-incarnation', 0], content(1000));
    });
    await storage.close();
    const reopened = await openLmdbStorage(dir);
    try {
      assert.deepEqual(stored(reopened), { chunks: 1, manifests: 0, uploads: 1 });
      assert.deepEqual([...reopened.root.openDB('blobUploads', {}).getKeys()], ['live-upload']);
    } finally {
      await reopened.close();
    }
  });
});
