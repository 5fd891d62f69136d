// The shared EventStore contract, on the embedded LMDB engine.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { MissingBlob } from '../../src/store/lmdb/errors.ts';
import { anEvent, eventStoreContract } from './contract.ts';
import { openTempStorage } from './temp-storage.ts';

eventStoreContract('lmdb', async () => {
  const { storage, close } = await openTempStorage();
  return { store: storage.events, close };
});

describe('lmdb: events that name blobs', () => {
  it('refuses an append whose blob is not stored, and keeps nothing of it', async () => {
    const { storage, close } = await openTempStorage();
    try {
      const missing = 'f'.repeat(64);
      await assert.rejects(storage.events.append('s', [anEvent()], { blobs: [missing] }), (error: unknown) => {
        assert.ok(error instanceof MissingBlob);
        assert.equal(error.blobId, missing);
        return true;
      });
      assert.equal(await storage.events.streamRevision('s'), -1);
      assert.equal(await storage.events.headPosition(), 0);
    } finally {
      await close();
    }
  });

  it('takes a deferred blob and the append naming it together: both are there once the append resolves', async () => {
    const { storage, close } = await openTempStorage();
    try {
      const content = Buffer.from('Subject: deferred\r\n\r\nbody\r\n');
      const ref = await storage.blobs.put(Readable.from([content]), { deferred: true });
      assert.ok(ref.durable, 'a deferred put says when it is durable');
      assert.equal(await storage.blobs.has(ref.blobId), false, 'held for the append that names it');
      const { position } = await storage.events.append('s', [anEvent({ blobId: ref.blobId })], { blobs: [ref.blobId] });
      assert.equal(position, 1);
      assert.ok(await storage.blobs.has(ref.blobId), 'written by that append');
      assert.equal(storage.blobs.held.size, 0);
      await ref.durable!();
      assert.deepEqual(await storage.blobs.getRange(ref.blobId, 0, content.length), content);
    } finally {
      await close();
    }
  });

  it('writes a deferred blob no append named when asked if it is durable', async () => {
    const { storage, close } = await openTempStorage();
    try {
      const ref = await storage.blobs.put(Readable.from([Buffer.from('Subject: alone\r\n\r\n')]), { deferred: true });
      await ref.durable!();
      assert.ok(await storage.blobs.has(ref.blobId));
      assert.equal(storage.blobs.held.size, 0);
    } finally {
      await close();
    }
  });

  it('writes a large deferred blob once when two appends name it, its content whole', async () => {
    const { storage, close } = await openTempStorage();
    try {
      // Three chunks and a bit: the chunks go as they come, the manifest and the rest are held.
      const content = Buffer.alloc(3 * 64 * 1024 + 100, 'x');
      const ref = await storage.blobs.put(Readable.from([content]), { deferred: true });
      const named = { blobs: [ref.blobId] };
      await Promise.all([storage.events.append('a', [anEvent()], named), storage.events.append('b', [anEvent()], named)]);
      await ref.durable!();
      assert.deepEqual(await storage.blobs.getRange(ref.blobId, 0, content.length), content);
      const again = await storage.blobs.put(Readable.from([content]), { deferred: true });
      await storage.events.append('c', [anEvent()], { blobs: [again.blobId] });
      assert.deepEqual(await storage.blobs.getRange(ref.blobId, 0, content.length), content, 'the same content put again leaves the first copy whole');
    } finally {
      await close();
    }
  });
});
