// Recognises a resend after a lost `250`: the same client bytes, sender and recipient already
// delivered within the window are not delivered again. The record is the resend index, a
// projection of the delivery events themselves (so it survives a restart and can never say
// "delivered" for an event that is not in the log); a lock per key covers the moment when
// two copies of one message are in flight at once. The index is kept in the runner's deferred
// batches, a moment after each delivery: a key this process delivered is remembered until then.
import type { ProjectionRunner } from '../../projections/runner.ts';
import { type ResendIndex, type ResendKey, resendDigest } from '../../projections/resend-index.ts';

export type Lease = Readonly<{
  /** keys not delivered within the window: deliver these */
  fresh: readonly ResendKey[];
  /** keys already delivered within the window: skip */
  resent: readonly ResendKey[];
  /** after delivering: the position of the last event appended, or 0; frees the keys */
  release(position: number): void;
}>;

export class ResendGuard {
  private readonly inFlight = new Map<string, Promise<void>>();
  /** keys delivered by this process whose events the index may not have applied yet */
  private readonly unindexed = new Map<string, number>();

  constructor(
    private readonly index: ResendIndex,
    private readonly runner: Pick<ProjectionRunner, 'settle' | 'reached'>,
    /** 0 turns resend recognition off */
    private readonly windowMs: number,
  ) {}

  async acquire(keys: readonly ResendKey[], now: string): Promise<Lease> {
    if (this.windowMs <= 0) return { fresh: keys, resent: [], release: () => {} };
    const digests = [...new Set(keys.map(resendDigest))];
    // Wait out any transaction carrying one of these keys, then take them all at once.
    for (;;) {
      const busy = digests.flatMap((d) => this.inFlight.get(d) ?? []);
      if (!busy.length) break;
      await Promise.allSettled(busy);
    }
    let free!: () => void;
    const done = new Promise<void>((resolve) => (free = resolve));
    for (const d of digests) this.inFlight.set(d, done);
    const release = (position: number) => {
      for (const d of digests) {
        if (this.inFlight.get(d) === done) this.inFlight.delete(d);
        if (position > 0) this.remember(d, position);
      }
      free();
    };
    try {
      // Only a resend of something this process just delivered can be ahead of the index.
      const pending = Math.max(0, ...digests.map((d) => this.unindexed.get(d) ?? 0));
      if (pending) await this.runner.settle(pending);
      const since = Date.parse(now) - this.windowMs;
      const resent = keys.filter((k) => {
        const seen = this.index.delivered(k);
        return seen !== undefined && Date.parse(seen.at) >= since;
      });
      return { fresh: keys.filter((k) => !resent.includes(k)), resent, release };
    } catch (error) {
      release(0);
      throw error;
    }
  }

  private remember(digest: string, position: number): void {
    this.unindexed.set(digest, Math.max(position, this.unindexed.get(digest) ?? 0));
    // In the index's own time: hurrying it (settle) after every delivery would apply the deferred
    // read models append by append, in the appends' commits, which their batches exist to avoid.
    // Only a resend of this very message (acquire, above) needs it sooner.
    this.runner.reached(position).then(
      () => {
        if ((this.unindexed.get(digest) ?? 0) <= position) this.unindexed.delete(digest);
      },
      () => {},
    );
  }
}
