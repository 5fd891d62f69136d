// Counters every IMAP command reads come from this cache: a stale value would show a client the
// wrong message count or miss another session's change.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { open } from 'lmdb';
import { tempDir } from '../../../test/store/temp-storage.ts';
import { DecodedCache } from './decoded-cache.ts';
import { PLAIN_VALUES } from './plain-values.ts';

type Status = { messages: number; unseen: number };

describe('DecodedCache', () => {
  it("gives the stored value after every change, this process's or another's, and copies the caller may change", async () => {
    const { dir, remove } = tempDir();
    const path = join(dir, 'x.mdb');
    const root = open(path, { maxDbs: 4 });
    try {
      const db = root.openDB('status', PLAIN_VALUES);
      const cache = new DecodedCache<Status>(db);
      assert.equal(cache.get('a', ['status', 'a']), undefined);
      await db.put(['status', 'a'], { messages: 1, unseen: 1 });
      const first = cache.get('a', ['status', 'a'])!;
      assert.deepEqual(first, { messages: 1, unseen: 1 });
      first.messages = 99;
      assert.deepEqual(cache.get('a', ['status', 'a']), { messages: 1, unseen: 1 });

      await db.put(['status', 'a'], { messages: 2, unseen: 0 });
      assert.deepEqual(cache.get('a', ['status', 'a']), { messages: 2, unseen: 0 });

      // Written by another process.
      const script = `
        import { open } from 'lmdb';
        const root = open(process.argv[1], { maxDbs: 4 });
        root.openDB('status', { useRecords: false }).putSync(['status', 'a'], { messages: 3, unseen: 3 });
        root.close();`;
      const run = spawnSync(process.execPath, ['--input-type=module', '-e', script, path], { encoding: 'utf8', cwd: process.cwd() });
      assert.equal(run.status, 0, run.stderr);
      // lmdb-js reads in one transaction until the turn ends, as any read here does.
      await new Promise((resolve) => setTimeout(resolve, 0));
      assert.deepEqual(cache.get('a', ['status', 'a']), { messages: 3, unseen: 3 });

      await db.remove(['status', 'a']);
      assert.equal(cache.get('a', ['status', 'a']), undefined);

      // Written through the cache: read back as stored, by this cache and by the database.
      await db.transaction(() => cache.putSync('a', ['status', 'a'], { messages: 4, unseen: 1 }));
      assert.deepEqual(cache.get('a', ['status', 'a']), { messages: 4, unseen: 1 });
      assert.deepEqual(db.get(['status', 'a']), { messages: 4, unseen: 1 });
      // A write through the cache whose transaction is rolled back is not what the cache gives
      // after (a child transaction: lmdb-js keeps what a failing plain one wrote).
      await assert.rejects(
        root.childTransaction(() => {
          cache.putSync('a', ['status', 'a'], { messages: 5, unseen: 5 });
          throw new Error('rolled back');
        }),
      );
      assert.deepEqual(cache.get('a', ['status', 'a']), { messages: 4, unseen: 1 });
    } finally {
      await root.close();
      remove();
    }
  });
});
