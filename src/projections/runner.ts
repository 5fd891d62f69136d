// Feeds the log to the projections: catches up from each checkpoint, then follows live appends.
// A batch of events and the checkpoint after it are written in one LMDB transaction, so a
// read model is always exactly "the log up to its checkpoint".
import { EventEmitter } from 'node:events';
import type { Database, RootDatabase } from 'lmdb';
import type { EventStore, RecordedEvent, Subscription } from '../store/event-store.ts';
import { KNOWN_EVENT_TYPES } from '../domain/event-types.ts';
import { DomainError } from '../domain/decider.ts';
import { durably } from '../store/lmdb/commit.ts';
import { lmdbKeyValue } from './lmdb-kv.ts';
import type { KeyValue, Projection } from './projection.ts';
import { projectionDb } from './projection.ts';

/** The projection met something it must not skip; it stays stopped until the cause is fixed. */
export class ProjectionStopped extends Error {
  readonly type = 'ProjectionStopped' as const;
  constructor(readonly projection: string, readonly position: number, reason: string) {
    super(`projection ${projection} stopped at position ${position}: ${reason}`);
    this.name = 'ProjectionStopped';
  }
}

type Checkpoint = { position: number; version: number };
type Entry = { projection: Projection; db: Database; kv: KeyValue; checkpoint: Checkpoint };

const PAGE = 2000;

export interface RunnerEvents {
  /** after each committed batch: the events now visible in every read model */
  applied: [batch: readonly RecordedEvent[]];
  stopped: [error: Error];
}

export class ProjectionRunner extends EventEmitter<RunnerEvents> {
  private readonly entries: Entry[];
  private readonly checkpoints: Database<Checkpoint, string>;
  private subscription: Subscription | undefined;
  private failure: Error | undefined;
  private waiters: { position: number; resolve: () => void; reject: (e: Error) => void }[] = [];
  private applying = Promise.resolve();

  constructor(
    private readonly root: RootDatabase,
    private readonly store: EventStore,
    projections: readonly Projection[],
    private readonly options: { knownTypes?: ReadonlyMap<string, number>; until?: number } = {},
  ) {
    super();
    this.checkpoints = root.openDB<Checkpoint, string>('projection-checkpoints', {});
    this.entries = projections.map((projection) => {
      const db = projectionDb(root, projection);
      const checkpoint = this.checkpoints.get(projection.name) ?? { position: 0, version: projection.version };
      return { projection, db, kv: lmdbKeyValue(db), checkpoint };
    });
  }

  /** The position every projection has applied (the lowest checkpoint). */
  get position(): number {
    return Math.min(...this.entries.map((e) => e.checkpoint.position));
  }

  get stoppedBy(): Error | undefined {
    return this.failure;
  }

  /** Catches up (rebuilding projections whose version changed), then follows the log unless told not to. */
  async start(follow = this.options.until === undefined): Promise<void> {
    for (const e of this.entries) if (e.checkpoint.version !== e.projection.version) await this.drop(e);
    await this.catchUp();
    if (follow) void this.follow();
  }

  /** Applies everything in the log (up to `until`) that some projection has not applied yet. */
  async catchUp(onProgress?: (position: number) => void): Promise<void> {
    for (;;) {
      const from = this.position + 1;
      const page = await this.read(from);
      if (!page.length) return;
      await this.apply(page);
      onProgress?.(this.position);
      if (page.length < PAGE) return;
    }
  }

  /** Drops the named projections (all when none named) and replays the log into them. */
  async rebuild(names?: readonly string[], onProgress?: (position: number) => void): Promise<number> {
    const chosen = names?.length ? this.entries.filter((e) => names.includes(e.projection.name)) : this.entries;
    const unknown = names?.filter((n) => !this.entries.some((e) => e.projection.name === n)) ?? [];
    if (unknown.length) throw new DomainError('NotFound', `unknown projection ${unknown.join(', ')}: known are ${this.names().join(', ')}`);
    // Those of an older version are replayed too, whether named or not: catching up must not
    // stamp the new version on a read model built by the old code.
    const stale = this.entries.filter((e) => !chosen.includes(e) && e.checkpoint.version !== e.projection.version);
    for (const e of [...chosen, ...stale]) await this.drop(e);
    await this.catchUp(onProgress);
    return this.position;
  }

  names(): string[] {
    return this.entries.map((e) => e.projection.name);
  }

  /** Resolves once every projection has applied the log up to `position`. */
  waitFor(position: number): Promise<void> {
    if (this.failure) return Promise.reject(this.failure);
    if (position <= this.position) return Promise.resolve();
    return new Promise((resolve, reject) => this.waiters.push({ position, resolve, reject }));
  }

  async stop(): Promise<void> {
    this.subscription?.close();
    this.subscription = undefined;
    await this.applying;
  }

  private async read(from: number): Promise<readonly RecordedEvent[]> {
    const until = this.options.until;
    if (until !== undefined && from > until) return [];
    const page = await this.store.readAll({ from, limit: PAGE });
    return until === undefined ? page : page.filter((r) => r.position <= until);
  }

  private async follow(): Promise<void> {
    const subscription = this.store.subscribe({ from: this.position + 1 });
    this.subscription = subscription;
    let buffer: RecordedEvent[] = [];
    try {
      for await (const recorded of subscription) {
        buffer.push(recorded);
        if (buffer.length === 1) {
          // Group what arrives in the same turn into one transaction.
          setImmediate(() => {
            const batch = buffer;
            buffer = [];
            this.applying = this.applying.then(() => (this.failure ? undefined : this.apply(batch))).catch(() => {});
          });
        }
        if (this.failure) break;
      }
    } catch (error) {
      this.fail(error instanceof Error ? error : new Error(String(error)));
    }
  }

  private async apply(batch: readonly RecordedEvent[]): Promise<void> {
    const known = this.options.knownTypes ?? KNOWN_EVENT_TYPES;
    try {
      await durably(this.root.transaction(() => {
        for (const entry of this.entries) {
          // Another process (the CLI beside a running server) may have applied some of these
          // already: the stored checkpoint, read inside this write transaction, decides.
          let last = this.checkpoints.get(entry.projection.name)?.position ?? 0;
          const before = last;
          for (const recorded of batch) {
            if (recorded.position <= last) continue;
            const { type, meta } = recorded.event;
            const supported = known.get(type);
            if (supported === undefined) throw new ProjectionStopped(entry.projection.name, recorded.position, `unknown event type "${type}"`);
            if (!(meta?.schema <= supported)) {
              throw new ProjectionStopped(entry.projection.name, recorded.position, `${type} has schema ${meta?.schema}, this postlog reads up to ${supported}`);
            }
            try {
              entry.projection.evolve(entry.kv, recorded);
            } catch (error) {
              throw new ProjectionStopped(entry.projection.name, recorded.position, (error as Error).message);
            }
            last = recorded.position;
          }
          if (last !== before) this.checkpoints.putSync(entry.projection.name, { position: last, version: entry.projection.version });
        }
      }));
    } catch (error) {
      this.fail(error instanceof Error ? error : new Error(String(error)));
      throw error;
    }
    // Only now, after the commit, do the in-memory checkpoints move.
    for (const entry of this.entries) entry.checkpoint = this.checkpoints.get(entry.projection.name) ?? entry.checkpoint;
    const reached = this.position;
    this.waiters = this.waiters.filter((w) => (w.position <= reached ? (w.resolve(), false) : true));
    this.emit('applied', batch);
  }

  private async drop(entry: Entry): Promise<void> {
    await durably(
      this.root.transaction(() => {
        entry.db.clearSync();
        this.checkpoints.removeSync(entry.projection.name);
      }),
    );
    entry.checkpoint = { position: 0, version: entry.projection.version };
  }

  private fail(error: Error): void {
    if (this.failure) return;
    this.failure = error;
    this.subscription?.close();
    for (const w of this.waiters) w.reject(error);
    this.waiters = [];
    this.emit('stopped', error);
  }
}
