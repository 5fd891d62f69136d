// Stream snapshots (see ../snapshot-store.ts) in the data directory's environment, in a
// sub-database of their own. Written without waiting: nothing depends on a snapshot being there.
import type { Database, RootDatabase } from 'lmdb';
import type { Snapshot, SnapshotStore } from '../snapshot-store.ts';
import { PLAIN_VALUES } from './plain-values.ts';

export class LmdbSnapshots implements SnapshotStore {
  readonly #db: Database<Snapshot, string>;

  constructor(root: RootDatabase) {
    this.#db = root.openDB<Snapshot, string>('snapshots', PLAIN_VALUES);
  }

  get(stream: string): Snapshot | undefined {
    try {
      return this.#db.get(stream);
    } catch {
      return undefined; // unreadable: replayed instead
    }
  }

  put(stream: string, snapshot: Snapshot): void {
    this.#db.put(stream, snapshot).catch(() => {});
  }
}
