// The EventStore on LMDB. An append runs as one child transaction inside lmdb-js's batched
// write transaction: its revision and event-id checks see every earlier append of the batch,
// and a throw aborts only that append. Many appends in flight share one commit and one fsync.
import type { Database, RootDatabase } from 'lmdb';
import type { DomainEvent } from '../../domain/event.ts';
import { checkAppendInput } from '../append-input.ts';
import {
  WrongExpectedVersion,
  type AppendOptions,
  type AppendResult,
  type Decide,
  type DecidedAppend,
  type EventStore,
  type ExpectedRevision,
  type InlineApply,
  type ReadAllOptions,
  type ReadStreamOptions,
  type RecordedEvent,
  type SubscribeOptions,
  type Subscription,
} from '../event-store.ts';
import { durably } from './commit.ts';
import { EventIdConflict, InlineApplyFailed, MissingBlob, StoreClosed } from './errors.ts';
import { EventLog, type Encoded } from './event-log.ts';
import type { HeldSeal, HeldSeals } from './held-seals.ts';
import { PLAIN_VALUES } from './plain-values.ts';
import { AppendSignal, LiveSubscription } from './subscription.ts';

type Appended = AppendResult & {
  readonly stored: boolean;
  /** as recorded, when the read models took them in the same commit */
  readonly records?: readonly RecordedEvent[];
  /** held blob seals this append wrote */
  readonly sealed?: readonly HeldSeal[];
};

export class LmdbEventStore implements EventStore {
  readonly #root: RootDatabase;
  readonly #log: EventLog;
  readonly #appended = new AppendSignal();
  readonly #subscriptions = new Set<LiveSubscription>();
  readonly #appending = new Set<Promise<unknown>>();
  /** the blobs' manifests (see blob-layout.ts): a blob is stored iff its manifest is */
  readonly #blobManifests: Database<unknown, string>;
  readonly #held: HeldSeals | undefined;
  #inline: InlineApply | undefined;
  #closed = false;

  constructor(root: RootDatabase, held?: HeldSeals) {
    this.#root = root;
    this.#held = held;
    this.#log = new EventLog(root);
    this.#blobManifests = root.openDB<unknown, string>('blobs', PLAIN_VALUES);
  }

  async append(stream: string, events: readonly DomainEvent[], options: AppendOptions = {}): Promise<AppendResult> {
    if (this.#closed) throw new StoreClosed();
    const expected = options.expectedRevision ?? 'any';
    checkAppendInput(stream, events, expected);
    const blobs = options.blobs ?? [];
    // Encoded (summaries included) before the write transaction, for the revisions the append
    // expects: when it meets them (the usual case) the commit every writer waits for spends no
    // time encoding.
    const first = typeof expected === 'number' ? expected + 1 : expected === 'no-stream' ? 0 : undefined;
    const encoded = first === undefined ? undefined : this.#log.encode(stream, first, events);
    const { revision, position } = await this.#write((inline) => this.#appendInTransaction(stream, events, expected, blobs, inline, encoded));
    return { revision, position };
  }

  applyInline(apply: InlineApply | undefined): void {
    this.#inline = apply;
  }

  async appendDecided(stream: string, revision: number, decide: Decide): Promise<DecidedAppend> {
    if (this.#closed) throw new StoreClosed();
    // Decided once: a retry without the read models writes the same events, at the revision
    // they were decided against (another writer in between makes it a WrongExpectedVersion).
    let decided: { events: readonly DomainEvent[]; blobs: readonly string[]; expected: ExpectedRevision } | undefined;
    const result = await this.#write((inline): Appended => {
      if (decided === undefined) {
        const newer = this.#log.readStream(stream, revision + 1, 'forwards', undefined);
        const { events, blobs = [] } = decide(newer);
        const last = newer.at(-1)?.revision ?? revision;
        decided = { events, blobs, expected: last < 0 ? 'no-stream' : last };
        if (events.length) checkAppendInput(stream, events, decided.expected);
      }
      const { events, blobs, expected } = decided;
      if (!events.length) return { stored: false, revision: this.#log.streamRevision(stream), position: 0 };
      return this.#appendInTransaction(stream, events, expected, blobs, inline);
    });
    return { revision: result.revision, position: result.position, events: decided?.events ?? [] };
  }

  /**
   * Runs `write` as one child transaction and waits until it is durable. When the read models
   * could not take its events, the log takes them alone and the projection runner meets the
   * cause when it applies them itself.
   */
  async #write(write: (inline: InlineApply | undefined) => Appended): Promise<Appended> {
    const once = (inline: InlineApply | undefined) => durably(this.#root.childTransaction(() => write(inline)));
    const appending = once(this.#inline).catch((error: unknown) => {
      if (!(error instanceof InlineApplyFailed)) throw error;
      this.#log.forgetNextPosition();
      return once(undefined);
    });
    this.#appending.add(appending);
    try {
      const appended = await appending;
      for (const seal of appended.sealed ?? []) seal.landed();
      if (appended.stored) this.#appended.ring(appended.records);
      return appended;
    } catch (error) {
      this.#log.forgetNextPosition();
      throw error;
    } finally {
      this.#appending.delete(appending);
    }
  }

  #appendInTransaction(
    stream: string,
    events: readonly DomainEvent[],
    expected: ExpectedRevision,
    blobs: readonly string[],
    inline: InlineApply | undefined,
    encoded?: Encoded,
  ): Appended {
    // A retry of a batch that was stored is answered before the revision check: by now the
    // stream has moved past the revision the retry expects.
    const stored = events.map((event) => this.#log.positionOfEventId(event.meta.eventId));
    if (stored.some((position) => position !== undefined)) return this.#replayed(stream, events, stored);
    const actual = this.#log.streamRevision(stream, typeof expected === 'number' ? expected : expected === 'no-stream' ? -1 : undefined);
    if (!meets(expected, actual)) throw new WrongExpectedVersion(stream, expected, actual);
    // A deferred put's seal is written here, in this append's commit.
    const sealed = this.#held?.writeIn(blobs);
    // Read inside this write: a blob sealed in an earlier commit, or earlier in this one, is seen.
    const missing = blobs.find((blobId) => !this.#blobManifests.doesExist(blobId));
    if (missing !== undefined) throw new MissingBlob(missing);
    const position = this.#log.write(stream, actual + 1, events, encoded);
    if (inline) {
      const first = position - events.length + 1;
      const records = events.map((event, i) => ({ stream, revision: actual + 1 + i, position: first + i, event }));
      try {
        // Positions are handed out one after another inside a write transaction, so the last
        // event before these is at `first - 1`, or the log has a gap there; either way a read
        // model whose checkpoint is exactly `first - 1` has seen everything before them.
        inline(records, first - 1);
      } catch (error) {
        throw new InlineApplyFailed(error);
      }
      return { stored: true, revision: actual + events.length, position, records, ...(sealed?.length && { sealed }) };
    }
    return { stored: true, revision: actual + events.length, position, ...(sealed?.length && { sealed }) };
  }

  #replayed(stream: string, events: readonly DomainEvent[], positions: ReadonlyArray<number | undefined>): Appended {
    const ids = events.map((event) => event.meta.eventId);
    if (positions.includes(undefined)) {
      throw new EventIdConflict(stream, ids, 'some events of this batch are stored and some are not');
    }
    const records = positions.map((position) => this.#log.recordAt(Number(position)));
    const elsewhere = records.find((record) => record.stream !== stream);
    if (elsewhere !== undefined) {
      throw new EventIdConflict(stream, ids, `these events are already stored in stream ${elsewhere.stream}`);
    }
    const last = records[records.length - 1]!;
    return { stored: false, revision: last.revision, position: last.position };
  }

  async readStream(stream: string, options: ReadStreamOptions = {}): Promise<readonly RecordedEvent[]> {
    const direction = options.direction ?? 'forwards';
    const from = integerOption('from', options.from) ?? (direction === 'forwards' ? 0 : Number.MAX_SAFE_INTEGER);
    return this.#log.readStream(stream, from, direction, limitOf(options.limit));
  }

  async readAll(options: ReadAllOptions = {}): Promise<readonly RecordedEvent[]> {
    return this.#log.readForward(Math.max(1, integerOption('from', options.from) ?? 1), limitOf(options.limit));
  }

  subscribe(options: SubscribeOptions = {}): Subscription {
    if (this.#closed) throw new StoreClosed();
    const subscription = new LiveSubscription(
      options.from ?? 1,
      this.#appended,
      (from, limit) => this.#log.readForward(from, limit),
      (closed) => this.#subscriptions.delete(closed),
    );
    this.#subscriptions.add(subscription);
    return subscription;
  }

  async streamRevision(stream: string): Promise<number> {
    return this.#log.streamRevision(stream);
  }

  async headPosition(): Promise<number> {
    return this.#log.lastPosition();
  }

  /** Ends subscriptions and waits for appends in flight; the environment is closed by its owner. */
  async close(): Promise<void> {
    this.#closed = true;
    for (const subscription of [...this.#subscriptions]) subscription.close();
    await Promise.allSettled(this.#appending);
  }
}

function meets(expected: ExpectedRevision, actual: number): boolean {
  switch (expected) {
    case 'any':
      return true;
    case 'no-stream':
      return actual === -1;
    case 'exists':
      return actual >= 0;
    default:
      return actual === expected;
  }
}

function limitOf(limit: number | undefined): number | undefined {
  if (limit !== undefined && limit < 0) throw new RangeError(`limit must be >= 0, not ${limit}`);
  return integerOption('limit', limit);
}

function integerOption(name: string, value: number | undefined): number | undefined {
  if (value !== undefined && !Number.isSafeInteger(value)) throw new RangeError(`${name} must be an integer, not ${value}`);
  return value;
}
