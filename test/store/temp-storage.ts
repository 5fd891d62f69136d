// A fresh LMDB storage in its own temporary directory, removed again on close.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openLmdbStorage, type LmdbStorage, type LmdbStorageOptions } from '../../src/store/lmdb/open.ts';

export function tempDir(): { dir: string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'postlog-store-'));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

export async function openTempStorage(
  options: LmdbStorageOptions = {},
): Promise<{ dir: string; storage: LmdbStorage; close(): Promise<void> }> {
  const { dir, remove } = tempDir();
  const storage = await openLmdbStorage(dir, options);
  return {
    dir,
    storage,
    close: async () => {
      await storage.close();
      remove();
    },
  };
}
