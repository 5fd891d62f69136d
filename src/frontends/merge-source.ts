// Opens the other side of a merge: a postlog data directory (stopped or running: LMDB lets
// another process read it), or an export file, imported first into a throwaway store.
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { DomainError } from '../domain/decider.ts';
import type { MergeSide } from '../domain/merge/merge-stores.ts';
import { openLmdbStorage } from '../store/lmdb/open.ts';
import { importExport } from '../store/portable/importer.ts';

export type MergeSource = MergeSide & { origin: string; location: string; close(): Promise<void> };

export async function openMergeSource(from: string): Promise<MergeSource> {
  const location = resolve(from);
  if (!existsSync(location)) throw new DomainError('NotFound', `${from}: no such data directory or export file`);
  if (statSync(location).isDirectory()) {
    if (!existsSync(join(location, 'postlog.mdb'))) throw new DomainError('NotFound', `${from} is not a postlog data directory (no postlog.mdb in it)`);
    const storage = await openLmdbStorage(location, { keepSchema: true });
    const nodeFile = join(location, 'node-id');
    const origin = existsSync(nodeFile) ? readFileSync(nodeFile, 'utf8').trim() : storage.origin;
    return { events: storage.events, blobs: storage.blobs, origin, location, close: () => storage.close() };
  }
  const scratch = mkdtempSync(join(tmpdir(), 'postlog-merge-'));
  const remove = () => rmSync(scratch, { recursive: true, force: true });
  try {
    const storage = await openLmdbStorage(scratch);
    try {
      const imported = await importExport(location, storage);
      return {
        events: storage.events,
        blobs: storage.blobs,
        origin: imported.header.origin,
        location,
        close: async () => {
          await storage.close();
          remove();
        },
      };
    } catch (error) {
      await storage.close();
      throw error;
    }
  } catch (error) {
    remove();
    throw error;
  }
}
