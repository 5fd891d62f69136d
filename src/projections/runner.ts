// Feeds the log to the projections: catches up from each checkpoint, then follows live appends.
// A batch of events and the checkpoint after it are written in one LMDB transaction, so a
// read model is always exactly "the log up to its checkpoint". Those are child transactions:
// lmdb-js commits what a plain transaction's callback wrote before it threw, and a read model
// that stops at an event must leave nothing of its batch behind, in any read model.
import { EventEmitter } from 'node:events';
import type { Database, RootDatabase } from 'lmdb';
import type { EventStore, RecordedEvent, Subscription } from '../store/event-store.ts';
import { KNOWN_EVENT_TYPES } from '../domain/event-types.ts';
import { DomainError } from '../domain/decider.ts';
import { durably } from '../store/lmdb/commit.ts';
import { DecodedCache } from '../store/lmdb/decoded-cache.ts';
import { PLAIN_VALUES } from '../store/lmdb/plain-values.ts';
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
/** Every projection's checkpoint, by projection name. */
type Checkpoints = Record<string, Checkpoint>;

/**
 * The key of the one record that holds every checkpoint, read and written once per append rather
 * than once per projection. Storage schema 2 kept one record per projection, under its name:
 * those are read while this one is missing, and removed when it is first written.
 */
const ALL = '*';

const PAGE = 2000;
/** How long the deferred read models (Projection.deferred) gather events before a batch. */
const DEFER_MS = 200;

export interface RunnerEvents {
  /** after each committed batch: the events now visible in every read model but the deferred ones */
  applied: [batch: readonly RecordedEvent[]];
  stopped: [error: Error];
}

export class ProjectionRunner extends EventEmitter<RunnerEvents> {
  private readonly entries: Entry[];
  /** the read models kept inside appends (and by the runner at once), and the deferred ones */
  private readonly live: Entry[];
  private readonly later: Entry[];
  /** events the deferred read models have yet to take, and the timer that will apply them */
  private deferredBatch: RecordedEvent[] = [];
  private deferredTimer: NodeJS.Timeout | undefined;
  private readonly checkpoints: Database<Checkpoints | Checkpoint, string>;
  private readonly allCheckpoints: DecodedCache<Checkpoints>;
  /** the projections' names: schema 2 stored each checkpoint under its projection's name */
  private readonly legacyKeys: readonly string[];
  /** records of the schema 2 layout may still be stored, to be removed with the next write */
  private legacy: boolean;
  private subscription: Subscription | undefined;
  private failure: Error | undefined;
  private waiters: { position: number; all: boolean; resolve: () => void; reject: (e: Error) => void }[] = [];
  private applying = Promise.resolve();

  constructor(
    private readonly root: RootDatabase,
    private readonly store: EventStore,
    projections: readonly Projection[],
    private readonly options: { knownTypes?: ReadonlyMap<string, number>; until?: number } = {},
  ) {
    super();
    this.checkpoints = root.openDB<Checkpoints | Checkpoint, string>('projection-checkpoints', PLAIN_VALUES);
    this.allCheckpoints = new DecodedCache(this.checkpoints as Database, 1);
    this.legacyKeys = projections.map((p) => p.name);
    this.legacy = this.checkpoints.get(ALL) === undefined;
    const stored = this.stored();
    this.entries = projections.map((projection) => {
      const db = projectionDb(root, projection);
      const checkpoint = stored[projection.name] ?? { position: 0, version: projection.version };
      return { projection, db, kv: lmdbKeyValue(db), checkpoint };
    });
    this.live = this.entries.filter((e) => !e.projection.deferred);
    this.later = this.entries.filter((e) => e.projection.deferred);
  }

  /** The position every projection has applied (the lowest checkpoint). */
  get position(): number {
    return lowest(this.entries);
  }

  get stoppedBy(): Error | undefined {
    return this.failure;
  }

  /**
   * Catches up (rebuilding projections whose version changed), then follows the log unless told
   * not to. Either way, unless it stops at a past position, appends made through this process's
   * store keep the read models current inside their own commits from then on (a CLI command
   * beside a running server included).
   */
  async start(follow = this.options.until === undefined): Promise<void> {
    for (const e of this.entries) if (e.checkpoint.version !== e.projection.version) await this.drop(e);
    await this.catchUp();
    if (this.options.until === undefined) this.store.applyInline?.(this.inline);
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

  /**
   * Resolves once every projection but the deferred ones has applied the log up to `position`:
   * what a writer waits for before it reads its own change.
   */
  waitFor(position: number): Promise<void> {
    return this.until(position, false);
  }

  /**
   * Resolves once every projection, the deferred ones too, has applied the log up to `position`.
   * A runner that does not follow the log (the CLI's) brings the deferred ones up itself.
   */
  async settle(position: number): Promise<void> {
    if (position > this.position && !this.failure) {
      if (!this.subscription && this.options.until === undefined) await this.catchUpDeferred();
      else if (this.deferredBatch.length) this.flushDeferred();
    }
    return this.until(position, true);
  }

  /**
   * Resolves once every projection, the deferred ones too, has applied the log up to `position`,
   * in the deferred ones' own time: unlike `settle`, it does not hurry their batch. Only for a
   * runner that follows the log (a server's); another brings them up only when settled or stopped.
   */
  reached(position: number): Promise<void> {
    return this.until(position, true);
  }

  private until(position: number, all: boolean): Promise<void> {
    if (this.failure) return Promise.reject(this.failure);
    const entries = all ? this.entries : this.live;
    if (position <= lowest(entries)) return Promise.resolve();
    // An append of this process applied inline is in every live read model once it resolves,
    // before the runner's own loop has caught sight of it: the stored checkpoints tell.
    if (this.storedAt(entries) >= position) return Promise.resolve();
    return new Promise((resolve, reject) => this.waiters.push({ position, all, resolve, reject }));
  }

  /**
   * Stops following. The deferred read models are brought up to the others first (a process
   * that does not follow the log, the CLI, left them behind with each of its appends).
   */
  async stop(): Promise<void> {
    this.store.applyInline?.(undefined);
    this.subscription?.close();
    this.subscription = undefined;
    if (this.deferredBatch.length) this.flushDeferred();
    await this.applying;
    await this.catchUpDeferred();
  }

  /** Applies to the deferred read models what the others have, from the log. */
  private async catchUpDeferred(): Promise<void> {
    // As stored: this process's appends moved the live read models without the runner.
    while (!this.failure && this.later.length && this.storedAt(this.later) < this.storedAt(this.live)) {
      const target = this.storedAt(this.live);
      const page = (await this.read(this.storedAt(this.later) + 1)).filter((r) => r.position <= target);
      if (!page.length) break;
      await this.apply(page, this.later).catch(() => {});
    }
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
            this.applying = this.applying.then(() => (this.failure ? undefined : this.apply(batch, this.live))).catch(() => {});
            this.defer(batch);
          });
        }
        if (this.failure) break;
      }
    } catch (error) {
      this.fail(error instanceof Error ? error : new Error(String(error)));
    }
  }

  /** Gathers events for the deferred read models, applied together once DEFER_MS has passed. */
  private defer(batch: readonly RecordedEvent[]): void {
    if (!this.later.length) return;
    for (const recorded of batch) this.deferredBatch.push(recorded);
    if (this.deferredBatch.length >= PAGE) this.flushDeferred();
    else this.deferredTimer ??= setTimeout(() => this.flushDeferred(), DEFER_MS);
  }

  private flushDeferred(): void {
    clearTimeout(this.deferredTimer);
    this.deferredTimer = undefined;
    const batch = this.deferredBatch;
    this.deferredBatch = [];
    this.applying = this.applying.then(() => (this.failure ? undefined : this.apply(batch, this.later))).catch(() => {});
  }

  /** Applies `batch` to those of `entries` that have not applied it yet (another process may have). */
  private async apply(batch: readonly RecordedEvent[], entries: readonly Entry[] = this.entries): Promise<void> {
    try {
      // Appends of this process usually carry their read-model changes in their own commit
      // (see inline below): then there is nothing left to write.
      const last = batch[batch.length - 1]?.position ?? 0;
      const done = this.storedAt(entries) >= last;
      if (!done) {
        const first = batch[0]!.position;
        const seen = await this.fillGaps(first, entries);
        await durably(this.root.childTransaction(() => {
          // Another process (the CLI beside a running server) may have applied some of these
          // already: the stored checkpoints, read inside this write transaction, decide.
          const stored = this.stored();
          for (const entry of entries) {
            const from = stored[entry.projection.name]?.position ?? 0;
            // Behind the batch, with events in between it has not applied (rebuilt meanwhile by
            // another process): not now, or those would be skipped for good.
            if (from < first - 1 && seen.get(entry) !== from) continue;
            this.evolve(entry, batch.filter((r) => r.position > from), stored);
          }
          this.writeCheckpoints(stored);
        }));
      }
    } catch (error) {
      this.fail(error instanceof Error ? error : new Error(String(error)));
      throw error;
    }
    // Only now, after the commit, do the in-memory checkpoints move.
    const stored = this.stored();
    for (const entry of this.entries) entry.checkpoint = stored[entry.projection.name] ?? entry.checkpoint;
    const reached = { all: this.position, live: lowest(this.live) };
    this.waiters = this.waiters.filter((w) => (w.position <= (w.all ? reached.all : reached.live) ? (w.resolve(), false) : true));
    // The live read models announced these events already.
    if (entries !== this.later) this.emit('applied', batch);
  }

  /** The checkpoints as stored (another process may have moved them); in a transaction, as of it. */
  private stored(): Checkpoints {
    const all = this.allCheckpoints.get(ALL, ALL);
    if (all !== undefined) return all;
    const legacy: Checkpoints = {};
    for (const name of this.legacyKeys) {
      const one = this.checkpoints.get(name) as Checkpoint | undefined;
      if (one !== undefined) legacy[name] = one;
    }
    return legacy;
  }

  /** The lowest stored checkpoint of `entries` (another process may have moved them). */
  private storedAt(entries: readonly Entry[]): number {
    const stored = this.stored();
    return Math.min(...entries.map((e) => stored[e.projection.name]?.position ?? 0));
  }

  /**
   * In a write transaction: stores the checkpoints, and drops the schema 2 records once (should
   * that transaction fail, they stay behind unused: the one record, once written, is read first).
   */
  private writeCheckpoints(stored: Checkpoints): void {
    this.allCheckpoints.putSync(ALL, ALL, stored);
    if (!this.legacy) return;
    for (const name of this.legacyKeys) this.checkpoints.removeSync(name);
    this.legacy = false;
  }

  /**
   * Brings each read model whose stored checkpoint is behind `first` (another process dropped
   * and is rebuilding it) up to just before `first` from the log. Returns, for those found to
   * have nothing left to apply before `first`, the checkpoint at which that was seen.
   */
  private async fillGaps(first: number, entries: readonly Entry[]): Promise<Map<Entry, number>> {
    const seen = new Map<Entry, number>();
    for (const entry of entries) {
      for (;;) {
        const from = this.stored()[entry.projection.name]?.position ?? 0;
        if (from >= first - 1) break;
        const page = (await this.store.readAll({ from: from + 1, limit: PAGE })).filter((r) => r.position < first);
        if (!page.length) {
          seen.set(entry, from);
          break;
        }
        await durably(this.root.childTransaction(() => {
          // Moved meanwhile (the other process went on): look again.
          const stored = this.stored();
          if ((stored[entry.projection.name]?.position ?? 0) !== from) return;
          this.evolve(entry, page, stored);
          this.writeCheckpoints(stored);
        }));
      }
    }
    return seen;
  }

  /**
   * Inside an append's write transaction: the read models whose checkpoint is exactly where
   * the log stood before the append take its events now, so one commit makes both durable and
   * a writer waiting for its read model waits for no second commit. Those behind (catching up,
   * rebuilt by another process) are left to the runner.
   */
  private readonly inline = (records: readonly RecordedEvent[], after: number): void => {
    const stored = this.stored();
    let moved = false;
    for (const entry of this.live) {
      const checkpoint = stored[entry.projection.name];
      if ((checkpoint?.position ?? 0) !== after || (checkpoint && checkpoint.version !== entry.projection.version)) continue;
      moved = this.evolve(entry, records, stored) || moved;
    }
    if (moved) this.writeCheckpoints(stored);
  };

  /**
   * In a write transaction: applies `records` to one read model and moves its checkpoint in
   * `stored`, which the caller then stores. Whether there was anything to apply.
   */
  private evolve(entry: Entry, records: readonly RecordedEvent[], stored: Checkpoints): boolean {
    if (!records.length) return false;
    const known = this.options.knownTypes ?? KNOWN_EVENT_TYPES;
    const name = entry.projection.name;
    for (const recorded of records) {
      const { type, meta } = recorded.event;
      const supported = known.get(type);
      if (supported === undefined) throw new ProjectionStopped(name, recorded.position, `unknown event type "${type}"`);
      if (!(meta?.schema <= supported)) {
        throw new ProjectionStopped(name, recorded.position, `${type} has schema ${meta?.schema}, this postlog reads up to ${supported}`);
      }
      try {
        entry.projection.evolve(entry.kv, recorded);
      } catch (error) {
        throw new ProjectionStopped(name, recorded.position, (error as Error).message);
      }
    }
    stored[name] = { position: records[records.length - 1]!.position, version: entry.projection.version };
    return true;
  }

  private async drop(entry: Entry): Promise<void> {
    await durably(
      this.root.childTransaction(() => {
        entry.db.clearSync();
        const stored = this.stored();
        delete stored[entry.projection.name];
        this.writeCheckpoints(stored);
      }),
    );
    entry.checkpoint = { position: 0, version: entry.projection.version };
  }

  private fail(error: Error): void {
    if (this.failure) return;
    this.failure = error;
    clearTimeout(this.deferredTimer);
    this.store.applyInline?.(undefined);
    this.subscription?.close();
    for (const w of this.waiters) w.reject(error);
    this.waiters = [];
    this.emit('stopped', error);
  }
}

function lowest(entries: readonly Entry[]): number {
  return Math.min(...entries.map((e) => e.checkpoint.position));
}
