// The contract every event log implementation keeps (LMDB embedded, KurrentDB distributed).
import type { DomainEvent } from '../domain/event.ts';

/** A number is the revision of the stream's last event (revisions start at 0). */
export type ExpectedRevision = number | 'no-stream' | 'exists' | 'any';

export type RecordedEvent<E extends DomainEvent = DomainEvent> = Readonly<{
  stream: string;
  /** position of the event inside its stream, from 0 */
  revision: number;
  /** position in the whole log: strictly increasing in commit order, not necessarily contiguous, > 0 */
  position: number;
  event: E;
}>;

export type AppendResult = Readonly<{
  /** revision of the last event now in the stream */
  revision: number;
  /** global position of the last appended event */
  position: number;
}>;

export type AppendOptions = Readonly<{
  expectedRevision?: ExpectedRevision;
  /**
   * Blobs the events name. The append fails with MissingBlob unless each is stored when it
   * commits, so a blob put with `deferred` (still on its way to disk) may share its commit,
   * and an event never outlives a blob whose own write failed.
   */
  blobs?: readonly string[];
}>;

export type ReadStreamOptions = Readonly<{
  /** first revision to read (forwards) or last (backwards); default: start / end */
  from?: number;
  direction?: 'forwards' | 'backwards';
  limit?: number;
}>;

export type ReadAllOptions = Readonly<{
  /** first global position to read, inclusive; default: the start */
  from?: number;
  limit?: number;
}>;

export type SubscribeOptions = Readonly<{
  /** first global position to deliver, inclusive; default: the start */
  from?: number;
}>;

/**
 * Work done inside an append's own write transaction, after its events are written: the
 * projection runner keeps read models there, so one commit makes the events and every read
 * model durable together. `after` is the position of the log's last event before these. A
 * throw aborts the append's writes; the store then appends again without this work.
 */
export type InlineApply = (records: readonly RecordedEvent[], after: number) => void;

/** Catches up from a position, then follows live appends; no gap, no repeat. */
export interface Subscription extends AsyncIterable<RecordedEvent> {
  close(): void;
}

export interface EventStore {
  /**
   * Appends atomically. Resolves only once the events are durable on disk.
   * Events whose ids are already stored are not stored again: re-appending a batch that was
   * already appended returns the original result.
   */
  append(stream: string, events: readonly DomainEvent[], options?: AppendOptions): Promise<AppendResult>;
  readStream(stream: string, options?: ReadStreamOptions): Promise<readonly RecordedEvent[]>;
  readAll(options?: ReadAllOptions): Promise<readonly RecordedEvent[]>;
  subscribe(options?: SubscribeOptions): Subscription;
  /** revision of the stream's last event, or -1 when the stream does not exist */
  streamRevision(stream: string): Promise<number>;
  /** position of the last event in the log, 0 when empty */
  headPosition(): Promise<number>;
  /**
   * Offered by an engine whose read models live in the log's own transactions (LMDB): sets,
   * or with undefined clears, the work done inside every append of this process.
   */
  applyInline?(apply: InlineApply | undefined): void;
  /**
   * Offered by an engine whose writes are serialized (LMDB, across processes too): inside one
   * write, reads the stream's events after `revision`, hands them to `decide` and appends what
   * it returns, so no other writer can come in between. `decide` runs at most once, at once,
   * and must not wait for anything. Appends nothing when it returns no events. Resolves once
   * durable; a WrongExpectedVersion can still come from a retry after a failed read model.
   */
  appendDecided?(stream: string, revision: number, decide: Decide): Promise<DecidedAppend>;
  close(): Promise<void>;
}

/** What a writer appends, given the events other writers appended since it last read. */
export type Decide = (newer: readonly RecordedEvent[]) => { events: readonly DomainEvent[]; blobs?: readonly string[] };

/** `position` is 0 and `revision` the stream's own when nothing was appended. */
export type DecidedAppend = AppendResult & { readonly events: readonly DomainEvent[] };

export class WrongExpectedVersion extends Error {
  readonly type = 'WrongExpectedVersion' as const;
  constructor(
    readonly stream: string,
    readonly expected: ExpectedRevision,
    /** -1 when the stream does not exist */
    readonly actual: number,
  ) {
    super(`stream ${stream}: expected revision ${String(expected)}, actual ${actual}`);
    this.name = 'WrongExpectedVersion';
  }
}

/** A stored record that cannot be decoded: names where it is so nothing skips it silently. */
export class CorruptRecord extends Error {
  readonly type = 'CorruptRecord' as const;
  constructor(readonly position: number, reason: string) {
    super(`corrupt event record at position ${position}: ${reason}`);
    this.name = 'CorruptRecord';
  }
}

/** The data directory was written by a newer postlog. */
export class IncompatibleSchema extends Error {
  readonly type = 'IncompatibleSchema' as const;
  constructor(readonly found: number, readonly supported: number, where: string) {
    super(
      `${where} has storage schema ${found}, this postlog supports up to ${supported}: ` +
        `upgrade postlog, or point --data at another directory`,
    );
    this.name = 'IncompatibleSchema';
  }
}
