// A projection: a deterministic fold of recorded events into a key-value read model.
import type { Database, RootDatabase } from 'lmdb';
import type { RecordedEvent } from '../store/event-store.ts';
import { PLAIN_VALUES } from '../store/lmdb/plain-values.ts';

export type Key = readonly (string | number)[];

/** The read model a projection folds into; writes happen inside the runner's transaction. */
export interface KeyValue {
  get<T>(key: Key): T | undefined;
  put(key: Key, value: unknown): void;
  remove(key: Key): void;
  /** entries whose key starts with `prefix` (and is longer), in key order; with `from`, only
   * those whose next key element is >= from */
  children<T>(prefix: Key, from?: string | number): Iterable<{ key: Key; value: T }>;
}

export interface Projection {
  readonly name: string;
  /** bump to make every node rebuild this projection on its next start */
  readonly version: number;
  /** no I/O but the key-value state; the same events in the same order give the same state */
  evolve(kv: KeyValue, recorded: RecordedEvent): void;
  /**
   * Kept by the runner in batches of its own shortly after each append, not inside the
   * append's commit: for read models nothing reads at once (the admin's history and audit, and
   * the SMTP resend index, whose guard waits for what it needs), where the pages a commit
   * writes, each one more for the disk to sync, are what an append waits for.
   * `ProjectionRunner.waitFor` does not wait for these; `settle` does.
   */
  readonly deferred?: boolean;
}

/** The LMDB sub-database that holds a projection's read model. */
export function projectionDb(root: RootDatabase, projection: Pick<Projection, 'name'>): Database {
  return root.openDB(`projection:${projection.name}`, PLAIN_VALUES);
}
