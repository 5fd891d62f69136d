// Every key postlog stores goes through this encoder: a byte that differed from lmdb-js's own
// encoding would hide data written before it (a message, a mailbox, a checkpoint) from lookups.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import fc from 'fast-check';
import { open, type Key as StoredKey } from 'lmdb';
import { writeKey as writeOrderedKey } from 'ordered-binary';
import { tempDir } from '../../../test/store/temp-storage.ts';
import { KEYS } from './key-encoder.ts';

type Key = Parameters<typeof writeOrderedKey>[0];
const { writeKey } = (KEYS as { keyEncoder: { writeKey: typeof writeOrderedKey } }).keyEncoder;

const scalar = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 80 }),
  fc.string({ unit: 'grapheme-ascii', maxLength: 70 }),
  fc.double({ noNaN: true }),
  fc.integer(),
  fc.boolean(),
  fc.constant(null),
);
/** the shapes postlog's keys take: scalars, and tuples of strings and numbers */
const key: fc.Arbitrary<Key> = fc.oneof(scalar, fc.array(scalar, { minLength: 1, maxLength: 4 }), fc.uint8Array({ minLength: 1, maxLength: 40 }));

describe('LMDB key encoder', () => {
  it("writes ordered-binary's bytes, then four zero bytes, and nothing outside them", () => {
    fc.assert(
      fc.property(key, fc.nat(64), (k, at) => {
        const ours = Buffer.alloc(4096, 0xaa);
        const theirs = Buffer.alloc(4096, 0xaa);
        const end = writeKey(k, ours, at);
        assert.equal(end, writeOrderedKey(k, theirs, at));
        assert.deepEqual(ours.subarray(at, end), theirs.subarray(at, end));
        assert.deepEqual([...ours.subarray(end, end + 4)], [0, 0, 0, 0]);
        assert.ok(ours.subarray(0, at).every((b) => b === 0xaa));
        assert.ok(ours.subarray(end + 4).every((b) => b === 0xaa));
      }),
      { numRuns: 2000 },
    );
  });

  it('refuses a key that does not fit where it is to be written, as lmdb-js expects', () => {
    assert.throws(() => writeKey('x'.repeat(100), Buffer.alloc(64), 0), RangeError);
    assert.throws(() => writeKey(['mailbox', 'x'.repeat(40)], Buffer.alloc(64), 20), RangeError);
  });

  it('stores keys that lmdb-js, encoding them itself, finds in the same order, and the other way round', async () => {
    const { dir, remove } = tempDir();
    const root = open(join(dir, 'keys.mdb'), { maxDbs: 4 });
    try {
      const keys: StoredKey[] = fc.sample(fc.oneof(fc.string({ minLength: 1, maxLength: 50 }), fc.tuple(fc.string({ minLength: 1 }), fc.integer())), 300);
      const ours = root.openDB<number, StoredKey>('ours', KEYS);
      const plain = root.openDB<number, StoredKey>('plain', {});
      await root.transaction(() => {
        keys.forEach((k, i) => {
          ours.putSync(k, i);
          plain.putSync(k, i);
        });
      });
      const again = { ours: root.openDB<number, StoredKey>('plain', KEYS), plain: root.openDB<number, StoredKey>('ours', {}) };
      assert.deepEqual([...again.ours.getKeys()], [...plain.getKeys()]);
      assert.deepEqual([...again.plain.getKeys()], [...ours.getKeys()]);
      for (const k of keys) assert.equal(again.plain.get(k), ours.get(k));
      for (const k of keys) assert.equal(again.ours.get(k), plain.get(k));
      const [low, high] = [...plain.getKeys({ limit: 200 })].filter((_, i) => i === 50 || i === 150);
      assert.deepEqual([...ours.getKeys({ start: low, end: high })], [...plain.getKeys({ start: low, end: high })]);
    } finally {
      await root.close();
      remove();
    }
  });
});
