// Reads a stream, decides, appends with the expected revision. Commands for one stream are
// queued and decided together into one append (one flush for many deliveries to one INBOX).
// A conflict with another writer (another process on this store) re-reads and decides again.
// Where the store can (EventStore.appendDecided), a stream that met a conflict is then decided
// inside the store's write for a while, after whatever the other writers appended, so two busy
// writers cannot keep beating each other; otherwise the retries are bounded.
// A stream's state is kept between commands, and for deciders that keep snapshots (a mailbox),
// stored every SNAPSHOT_EVERY events, so a long stream is not replayed whole after a start.
import type { EventStore, RecordedEvent } from '../store/event-store.ts';
import { WrongExpectedVersion } from '../store/event-store.ts';
import type { SnapshotStore } from '../store/snapshot-store.ts';
import type { Decider } from './decider.ts';
import type { CommandContext, DomainEvent } from './event.ts';

export type Handled<E extends DomainEvent, T = undefined> = Readonly<{
  /** the events this command produced, in order; empty when nothing changed */
  events: readonly E[];
  /** global position of the append that stored them (0 when nothing was appended) */
  position: number;
  /** what `read` took from the state the command was decided against */
  read: T;
}>;

/** A queued command (or read): decides against the lane's current state. */
type Pending = {
  decide: (state: any) => DomainEvent[];
  /** blobs the command's events name, which the store checks at append (see AppendOptions) */
  blobs?: readonly string[];
  resolve: (events: DomainEvent[], position: number) => void;
  reject: (error: unknown) => void;
};

type Lane = { decider: Decider<any, any, any>; queue: Pending[]; running: boolean };

/** How long a stream that met another writer is decided inside the store's writes. */
const CONTENDED_MS = 60_000;
/**
 * A stream's state as last decided or read; `eventId` is the event at `revision`, which a
 * snapshot of this state names.
 */
type Cached = { decider: Decider<any, any, any>; revision: number; state: unknown; eventId?: string };

/** A snapshot is stored after this many events since the last one at least (see SnapshotStore). */
const SNAPSHOT_EVERY = 1000;

export class TooManyConflicts extends Error {
  readonly type = 'TooManyConflicts' as const;
  constructor(readonly stream: string, readonly attempts: number) {
    super(`stream ${stream}: still conflicting after ${attempts} attempts`);
    this.name = 'TooManyConflicts';
  }
}

export class CommandHandler {
  private readonly lanes = new Map<string, Lane>();
  private readonly cache = new Map<string, Cached>();
  /** per stream, the revision of the last snapshot stored or restored */
  private readonly snapshotAt = new Map<string, number>();
  /** streams another writer appended to under us lately, until when they count as contended */
  private readonly contended = new Map<string, number>();

  constructor(
    private readonly store: EventStore,
    private readonly options: { maxAttempts?: number; cachedStreams?: number; snapshots?: SnapshotStore; snapshotEvery?: number } = {},
  ) {}

  /**
   * Decides `command` against the stream's state and appends what it produced. `read` takes a
   * value from the state it was decided against (synchronously; copy what you keep), so a caller
   * needs no second trip through the stream's queue, which would wait for the next append.
   */
  handle<C, S, E extends DomainEvent, T = undefined>(
    stream: string,
    decider: Decider<C, S, E>,
    command: C,
    ctx: CommandContext,
    options: { blobs?: readonly string[]; read?: (state: S) => T } = {},
  ): Promise<Handled<E, T>> {
    return new Promise((resolve, reject) => {
      let read: T;
      this.enqueue(stream, decider, {
        decide: (state) => {
          const events = decider.decide(command, state, ctx);
          if (options.read) read = options.read(state);
          return events;
        },
        ...(options.blobs?.length && { blobs: options.blobs }),
        resolve: (events, position) => resolve({ events: events as E[], position, read }),
        reject,
      });
    });
  }

  /**
   * Reads the stream's current state, in line with the commands queued for it: `read` runs
   * synchronously on the live state and must copy out what it returns.
   */
  query<S, T>(stream: string, decider: Decider<any, S, any>, read: (state: S) => T): Promise<T> {
    return new Promise((resolve, reject) => {
      let value: T;
      this.enqueue(stream, decider, {
        decide: (state) => {
          value = read(state);
          return [];
        },
        resolve: () => resolve(value),
        reject,
      });
    });
  }

  private enqueue(stream: string, decider: Decider<any, any, any>, pending: Pending): void {
    let lane = this.lanes.get(stream);
    if (!lane) this.lanes.set(stream, (lane = { decider, queue: [], running: false }));
    lane.queue.push(pending);
    if (!lane.running) void this.drain(stream, lane);
  }

  private async drain(stream: string, lane: Lane): Promise<void> {
    lane.running = true;
    try {
      while (lane.queue.length) {
        const batch = lane.queue.splice(0, lane.queue.length);
        await this.run(stream, lane.decider, batch);
      }
    } finally {
      lane.running = false;
      if (lane.queue.length) void this.drain(stream, lane);
      else this.lanes.delete(stream);
    }
  }

  private async run(stream: string, decider: Decider<any, any, any>, batch: Pending[]): Promise<void> {
    const maxAttempts = this.options.maxAttempts ?? 5;
    for (let attempt = 1; ; attempt++) {
      let loaded: { revision: number; state: unknown; eventId?: string };
      try {
        loaded = await this.load(stream, decider);
      } catch (error) {
        for (const p of batch) p.reject(error);
        return;
      }
      let { revision, state: current } = loaded;
      let decided: { pending: Pending; events: DomainEvent[] }[] | undefined;
      let newestId = loaded.eventId;
      /** Catches up with `newer` (what other writers appended since the load), then decides the batch. */
      const decide = (newer: readonly RecordedEvent[]) => {
        for (const r of newer) {
          current = decider.evolve(current, r.event);
          revision = r.revision;
          newestId = r.event.meta?.eventId;
        }
        decided = [];
        for (const pending of batch) {
          try {
            const events = pending.decide(current);
            for (const e of events) current = decider.evolve(current, e);
            decided.push({ pending, events });
          } catch (error) {
            pending.reject(error);
          }
        }
        const blobs = [...new Set(decided.flatMap((d) => (d.events.length ? (d.pending.blobs ?? []) : [])))];
        return { events: decided.flatMap((d) => d.events), blobs };
      };
      try {
        let position: number;
        if (this.store.appendDecided && this.isContended(stream)) {
          // Decided inside the store's write: no other writer can append in between. Not the
          // default: work inside the write holds up the commit every writer waits for.
          const result = await this.store.appendDecided(stream, revision, decide);
          ({ revision, position } = result);
        } else {
          const { events, blobs } = decide([]);
          if (!events.length) {
            position = 0;
          } else {
            const result = await this.store.append(stream, events, {
              expectedRevision: revision < 0 ? 'no-stream' : revision,
              ...(blobs.length && { blobs }),
            });
            ({ revision, position } = result);
          }
        }
        const last = decided?.flatMap((d) => d.events).at(-1);
        this.remember(stream, decider, revision, current, last?.meta.eventId ?? newestId);
        for (const d of decided ?? []) d.pending.resolve(d.events, d.events.length ? position : 0);
        return;
      } catch (error) {
        // The state was evolved with events that are not stored: forget it.
        this.cache.delete(stream);
        // A store that failed before it got to decide leaves the whole batch waiting.
        const waiting = decided?.map((d) => d.pending) ?? batch;
        if (error instanceof WrongExpectedVersion) this.contended.set(stream, Date.now() + CONTENDED_MS);
        if (error instanceof WrongExpectedVersion && attempt < maxAttempts) {
          batch = waiting;
          continue;
        }
        const failure = error instanceof WrongExpectedVersion ? new TooManyConflicts(stream, attempt) : error;
        for (const p of waiting) p.reject(failure);
        return;
      }
    }
  }

  private isContended(stream: string): boolean {
    const until = this.contended.get(stream);
    if (until === undefined) return false;
    if (until > Date.now()) return true;
    this.contended.delete(stream);
    return false;
  }

  private async load(stream: string, decider: Decider<any, any, any>): Promise<{ revision: number; state: any; eventId?: string }> {
    const cached = this.cache.get(stream);
    let revision = -1;
    let state: unknown;
    let eventId: string | undefined;
    if (cached && cached.decider === decider) {
      ({ revision, state, eventId } = cached);
    } else {
      const restored = await this.restore(stream, decider);
      if (restored) ({ revision, state, eventId } = restored);
      else state = decider.initialState();
    }
    // Catch up with what other writers (other nodes, other processes) appended since.
    const PAGE = 1000;
    for (;;) {
      const page: readonly RecordedEvent[] = await this.store.readStream(stream, { from: revision + 1, limit: PAGE });
      for (const r of page) {
        state = decider.evolve(state, r.event);
        revision = r.revision;
        eventId = r.event.meta?.eventId;
      }
      if (page.length < PAGE) break;
    }
    this.remember(stream, decider, revision, state, eventId);
    return { revision, state, eventId };
  }

  /** The stream's state from its snapshot, when there is one of this decider's format that matches the log. */
  private async restore(stream: string, decider: Decider<any, any, any>): Promise<{ revision: number; state: unknown; eventId: string } | undefined> {
    const codec = decider.snapshot;
    const snapshot = codec && this.options.snapshots?.get(stream);
    if (!codec || !snapshot || snapshot.version !== codec.version || !Number.isSafeInteger(snapshot.revision)) return undefined;
    const [at] = await this.store.readStream(stream, { from: snapshot.revision, limit: 1 });
    if (at?.revision !== snapshot.revision || at.event.meta?.eventId !== snapshot.eventId) return undefined;
    try {
      const state = codec.decode(snapshot.data);
      this.snapshotAt.set(stream, snapshot.revision);
      return { revision: snapshot.revision, state, eventId: snapshot.eventId };
    } catch {
      return undefined;
    }
  }

  private remember(stream: string, decider: Decider<any, any, any>, revision: number, state: unknown, eventId: string | undefined): void {
    this.cache.delete(stream);
    this.cache.set(stream, { decider, revision, state, eventId });
    const limit = this.options.cachedStreams ?? 1000;
    while (this.cache.size > limit) {
      const oldest = this.cache.keys().next().value!;
      this.cache.delete(oldest);
      this.snapshotAt.delete(oldest);
    }
    const codec = decider.snapshot;
    const snapshots = this.options.snapshots;
    if (!codec || !snapshots || eventId === undefined) return;
    // Spaced out as the stream grows (a snapshot's cost grows with the state, which grows with
    // the stream): writing them costs about the same per event, and a start replays at most a
    // tenth of the stream.
    const every = Math.max(this.options.snapshotEvery ?? SNAPSHOT_EVERY, Math.floor(revision / 10));
    if (revision - (this.snapshotAt.get(stream) ?? -1) < every) return;
    // Encoded now: the cached state is evolved in place by the next command.
    snapshots.put(stream, { revision, eventId, version: codec.version, data: codec.encode(state) });
    this.snapshotAt.set(stream, revision);
  }
}
