// Opens the one LMDB environment a postlog data directory holds: the event log, its indexes,
// the blobs, and whatever sub-databases projections open in it through `root`.
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { open, type RootDatabase } from 'lmdb';
import { IncompatibleSchema } from '../event-store.ts';
import { LmdbBlobStore } from './blob-store.ts';
import { durably } from './commit.ts';
import { LmdbEventStore } from './event-store.ts';
import { KEYS } from './key-encoder.ts';

/**
 * Version of the on-disk layout written by this code; bump it with a migration. An older postlog
 * refuses a data directory of a newer schema instead of misreading it.
 * - 1: the first layout.
 * - 2: read models, checkpoints and blob manifests hold plain MessagePack maps (plain-values.ts).
 *   Schema 1 values read as they are, so opening a schema 1 directory needs no migration; but a
 *   postlog of schema 1 would read the new maps wrong (as Map objects), hence the bump.
 * - 3: the projections' checkpoints are one record (runner.ts). Schema 2's, one per projection,
 *   are read until that record is first written, so again no migration; but a postlog of schema
 *   2 would not see the new record and would apply events to its read models a second time.
 */
export const STORAGE_SCHEMA = 3;

export type LmdbStorage = Readonly<{
  /** the environment: projections open their own named sub-databases here */
  root: RootDatabase;
  events: LmdbEventStore;
  blobs: LmdbBlobStore;
  /** this store's name in event metadata, recorded in the data directory */
  origin: string;
  close(): Promise<void>;
}>;

export type LmdbStorageOptions = Readonly<{
  /** initial map size in bytes; lmdb-js grows the map by itself when it fills */
  mapSize?: number;
  /** this store's origin; recorded on first open, and replaces the recorded one when given */
  origin?: string;
  /**
   * Opened only to be read (the other side of a merge): an older schema is read as it is and
   * left recorded, so the postlog that owns the directory still opens it.
   */
  keepSchema?: boolean;
}>;

const META_SCHEMA = 'storageSchema';
const META_ORIGIN = 'origin';

export async function openLmdbStorage(dataDir: string, options: LmdbStorageOptions = {}): Promise<LmdbStorage> {
  await mkdir(dataDir, { recursive: true });
  const path = join(dataDir, 'postlog.mdb');
  const root = open(path, {
    // Left out unless given: an explicit undefined would override lmdb-js's own default.
    ...(options.mapSize === undefined ? {} : { mapSize: options.mapSize }),
    // Room for the log's and blobs' six sub-databases, meta, and every projection's.
    maxDbs: 100,
    // With overlappingSync, a commit resolves before its fsync; off, LMDB syncs inside the
    // commit, so every resolved write is durable and group commit still batches the fsync.
    overlappingSync: false,
    // With event-turn batching on, lmdb-js leaves an internal promise unhandled when a commit
    // fails, which crashes Node; transactions still batch everything queued while one commits.
    eventTurnBatching: false,
  });
  try {
    const origin = await settleMeta(root, path, options.origin, options.keepSchema ?? false);
    const blobs = new LmdbBlobStore(root);
    const events = new LmdbEventStore(root, blobs.held);
    await blobs.sweepAbandonedUploads();
    let closing: Promise<void> | undefined;
    return {
      root,
      events,
      blobs,
      origin,
      close: () =>
        (closing ??= (async () => {
          await events.close();
          await root.close();
        })()),
    };
  } catch (error) {
    await root.close();
    throw error;
  }
}

/** Refuses a data directory written by a newer postlog; records schema and origin. */
async function settleMeta(root: RootDatabase, path: string, origin: string | undefined, keepSchema: boolean): Promise<string> {
  const meta = root.openDB<unknown, string>('meta', KEYS);
  const found = meta.get(META_SCHEMA);
  if (typeof found === 'number' && found > STORAGE_SCHEMA) throw new IncompatibleSchema(found, STORAGE_SCHEMA, path);
  if (found !== undefined && typeof found !== 'number') {
    throw new IncompatibleSchema(Number.NaN, STORAGE_SCHEMA, `${path} (unreadable schema ${String(found)})`);
  }
  const recorded = meta.get(META_ORIGIN);
  const settled = origin ?? (typeof recorded === 'string' ? recorded : `node-${randomUUID()}`);
  const schema = keepSchema && typeof found === 'number' ? found : STORAGE_SCHEMA;
  if (found !== schema || recorded !== settled) {
    await durably(
      root.transaction(() => {
        meta.put(META_SCHEMA, schema);
        meta.put(META_ORIGIN, settled);
      }),
    );
  }
  return settled;
}
