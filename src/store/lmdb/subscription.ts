// Catch-up-then-live subscriptions. A subscriber reads the log in pages from the position
// after the last one it delivered, and parks when it has read everything. Positions grow in
// commit order and a commit here is already synced to disk (see open.ts), so reading forward
// from there can neither skip an event nor deliver one twice, however appends race with it.
import type { RecordedEvent, Subscription } from '../event-store.ts';

const PAGE_SIZE = 512;
// Appends made by another process (a CLI delivery next to the server) ring no bell here;
// a parked subscriber looks again this often to find them.
const LOOK_AGAIN_MS = 100;
/** How many of this process's latest appended records are kept for subscribers to take. */
const KEPT = 512;

/**
 * Rung by the store after each append in this process; wakes parked subscribers. It keeps the
 * latest records the process appended (those its read models took in the same commit), so that
 * a subscriber that is up to date takes them from here instead of reading back and decoding
 * what was just written.
 */
export class AppendSignal {
  #rung = 0;
  readonly #parked = new Set<() => void>();
  readonly #kept = new Map<number, RecordedEvent>();

  /** how many times it has rung: a subscriber compares to know whether it missed a ring */
  get rung(): number {
    return this.#rung;
  }

  ring(records: readonly RecordedEvent[] = []): void {
    for (const record of records) this.#kept.set(record.position, record);
    for (const oldest of this.#kept.keys()) {
      if (this.#kept.size <= KEPT) break;
      this.#kept.delete(oldest);
    }
    this.#rung++;
    const parked = [...this.#parked];
    this.#parked.clear();
    for (const wake of parked) wake();
  }

  /** Kept records from `from` on, as long as their positions follow one another; [] when `from` is not kept. */
  kept(from: number, limit: number): RecordedEvent[] {
    const records: RecordedEvent[] = [];
    for (let record = this.#kept.get(from); record !== undefined && records.length < limit; record = this.#kept.get(record.position + 1)) {
      records.push(record);
    }
    return records;
  }

  /** Resolves at the next ring, or when `wake` is called. */
  park(): { rung: Promise<void>; wake: () => void } {
    let wake = (): void => {};
    const rung = new Promise<void>((resolve) => (wake = resolve));
    this.#parked.add(wake);
    return { rung, wake: () => (this.#parked.delete(wake), wake()) };
  }
}

export type ReadPage = (from: number, limit: number) => readonly RecordedEvent[];

export class LiveSubscription implements Subscription {
  #next: number;
  #closed = false;
  #iterated = false;
  #wake: (() => void) | undefined;

  constructor(
    from: number,
    private readonly signal: AppendSignal,
    private readonly readPage: ReadPage,
    private readonly onClose: (subscription: LiveSubscription) => void,
  ) {
    this.#next = Math.max(1, from);
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#wake?.();
    this.onClose(this);
  }

  async *[Symbol.asyncIterator](): AsyncIterator<RecordedEvent> {
    if (this.#iterated) throw new Error('a subscription can be iterated only once; subscribe again');
    this.#iterated = true;
    try {
      while (!this.#closed) {
        // Noted before reading: a ring after this point means there may be more to read.
        const rungBefore = this.signal.rung;
        const kept = this.signal.kept(this.#next, PAGE_SIZE);
        const page = kept.length ? kept : this.readPage(this.#next, PAGE_SIZE);
        if (page.length === 0) {
          if (this.signal.rung === rungBefore) await this.#park();
          continue;
        }
        for (const record of page) {
          if (this.#closed) return;
          this.#next = record.position + 1;
          yield record;
        }
      }
    } finally {
      this.close();
    }
  }

  async #park(): Promise<void> {
    const { rung, wake } = this.signal.park();
    this.#wake = wake;
    // Unref'd: a parked subscriber alone must not keep the process alive.
    const lookAgain = setTimeout(wake, LOOK_AGAIN_MS).unref();
    try {
      await rung;
    } finally {
      clearTimeout(lookAgain);
      this.#wake = undefined;
    }
  }
}
