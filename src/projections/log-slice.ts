// A read-only view of the log cut at a point (a position, a time, or both), optionally
// narrowed to some streams: what the projections would have seen at that point.
import type { DomainEvent } from '../domain/event.ts';
import type { AppendResult, EventStore, ReadAllOptions, ReadStreamOptions, RecordedEvent, Subscription } from '../store/event-store.ts';

export type Cut = Readonly<{
  /** last global position included */
  position?: number;
  /** last decision time included (ISO 8601 UTC; compared with each event's meta.at) */
  at?: string;
}>;

export class ReadOnlySlice extends Error {
  readonly type = 'ReadOnlySlice' as const;
  constructor(operation: string) {
    super(`a slice of the log is read-only: ${operation} is not possible`);
    this.name = 'ReadOnlySlice';
  }
}

export function isBefore(recorded: RecordedEvent, cut: Cut): boolean {
  if (cut.position !== undefined && recorded.position > cut.position) return false;
  return cut.at === undefined || Date.parse(recorded.event.meta.at) <= Date.parse(cut.at);
}

const PAGE = 2000;

/**
 * An EventStore that serves only the events before the cut. With `streams`, only those streams
 * are read (stream by stream, then ordered by position), so a point-in-time view of one account
 * does not scan the whole log.
 */
export class LogSlice implements EventStore {
  private merged: Promise<RecordedEvent[]> | undefined;

  constructor(
    private readonly store: EventStore,
    private readonly cut: Cut,
    private readonly streams?: readonly string[],
  ) {}

  /** Events read from the underlying store so far (what the slice cost). */
  scanned = 0;

  async readAll(options: ReadAllOptions = {}): Promise<readonly RecordedEvent[]> {
    const from = options.from ?? 1;
    const limit = options.limit ?? Infinity;
    if (this.streams) {
      const all = await (this.merged ??= this.readStreams(this.streams));
      return all.filter((r) => r.position >= from).slice(0, limit);
    }
    // Fill each page: a short page would tell the reader the log has ended.
    const out: RecordedEvent[] = [];
    let next = from;
    while (out.length < limit) {
      if (this.cut.position !== undefined && next > this.cut.position) break;
      const page = await this.store.readAll({ from: next, limit: PAGE });
      this.scanned += page.length;
      for (const r of page) if (isBefore(r, this.cut) && out.length < limit) out.push(r);
      if (page.length < PAGE) break;
      next = page.at(-1)!.position + 1;
      if (out.length >= limit) break;
    }
    return out;
  }

  async readStream(stream: string, options: ReadStreamOptions = {}): Promise<readonly RecordedEvent[]> {
    if (this.streams && !this.streams.includes(stream)) return [];
    const events = (await this.store.readStream(stream, options)).filter((r) => isBefore(r, this.cut));
    this.scanned += events.length;
    return events;
  }

  private async readStreams(streams: readonly string[]): Promise<RecordedEvent[]> {
    const all: RecordedEvent[] = [];
    for (const stream of streams) all.push(...(await this.readStream(stream)));
    return all.sort((a, b) => a.position - b.position);
  }

  subscribe(): Subscription {
    throw new ReadOnlySlice('following live appends');
  }

  append(_stream: string, _events: readonly DomainEvent[]): Promise<AppendResult> {
    return Promise.reject(new ReadOnlySlice('appending'));
  }

  async streamRevision(stream: string): Promise<number> {
    return (await this.readStream(stream)).at(-1)?.revision ?? -1;
  }

  async headPosition(): Promise<number> {
    if (this.streams) return (await (this.merged ??= this.readStreams(this.streams))).at(-1)?.position ?? 0;
    const head = await this.store.headPosition();
    return this.cut.position === undefined ? head : Math.min(head, this.cut.position);
  }

  async close(): Promise<void> {}
}
