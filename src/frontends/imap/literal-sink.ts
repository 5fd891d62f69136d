// An APPEND literal on its way to the blob store: the connection writes chunks as the parser
// hands them over, the blob store reads them; the writer waits while the reader is behind, so a
// 20 MB message is never held whole, and a dropped connection aborts the store.

type Waiter = { resolve: (r: IteratorResult<Uint8Array>) => void; reject: (e: Error) => void };

export class LiteralSink implements AsyncIterable<Uint8Array> {
  private readonly queue: Uint8Array[] = [];
  private queued = 0;
  private reader: Waiter | null = null;
  private drained: (() => void) | null = null;
  private ended = false;
  private failure: Error | null = null;

  constructor(private readonly highWaterMark = 1024 * 1024) {}

  /** Resolves once the reader has caught up enough to take more. */
  async write(chunk: Uint8Array): Promise<void> {
    if (this.ended || this.failure) return;
    if (this.reader) {
      const reader = this.reader;
      this.reader = null;
      reader.resolve({ value: chunk, done: false });
      return;
    }
    this.queue.push(chunk);
    this.queued += chunk.length;
    if (this.queued >= this.highWaterMark) await new Promise<void>((resolve) => (this.drained = resolve));
  }

  end(): void {
    this.ended = true;
    if (this.reader && !this.queue.length) {
      this.reader.resolve({ value: undefined, done: true });
      this.reader = null;
    }
  }

  abort(error: Error): void {
    this.failure = error;
    this.reader?.reject(error);
    this.reader = null;
    this.release();
  }

  [Symbol.asyncIterator](): AsyncIterator<Uint8Array> {
    return {
      next: () => {
        if (this.failure) return Promise.reject(this.failure);
        const chunk = this.queue.shift();
        if (chunk) {
          this.queued -= chunk.length;
          if (this.queued < this.highWaterMark / 2) this.release();
          return Promise.resolve({ value: chunk, done: false });
        }
        if (this.ended) return Promise.resolve({ value: undefined, done: true });
        return new Promise((resolve, reject) => (this.reader = { resolve, reject }));
      },
      return: () => {
        this.abort(new Error('reader stopped'));
        return Promise.resolve({ value: undefined, done: true });
      },
    };
  }

  private release(): void {
    const drained = this.drained;
    this.drained = null;
    drained?.();
  }
}
