// Slows down password guessing: each failure for a client address or an account makes the next
// attempt wait longer, and past a limit attempts are refused until the failures are old enough.

export type ThrottlePolicy = Readonly<{
  /** failures older than this (since the last one) are forgotten */
  windowMs: number;
  /** wait before the attempt after the first failure; doubles with each further failure */
  baseDelayMs: number;
  maxDelayMs: number;
  /** refuse outright once an account / a client address has this many recent failures */
  refuseAfter: Readonly<{ account: number; client: number }>;
  /** entries kept at most (the least recently failed are forgotten first) */
  maxEntries: number;
}>;

export const DEFAULT_THROTTLE: ThrottlePolicy = {
  windowMs: 15 * 60_000,
  baseDelayMs: 250,
  maxDelayMs: 8_000,
  refuseAfter: { account: 10, client: 30 },
  maxEntries: 100_000,
};

type Failures = { count: number; last: number };
export type ThrottleKeys = Readonly<{ client: string; account: string }>;
export type Verdict = Readonly<{ refused: boolean; delayMs: number; failures: number }>;

export class FailureThrottle {
  private readonly failures = new Map<string, Failures>();

  constructor(
    private readonly policy: ThrottlePolicy = DEFAULT_THROTTLE,
    private readonly now: () => number = Date.now,
  ) {}

  private recent(key: string): number {
    const entry = this.failures.get(key);
    if (!entry) return 0;
    if (this.now() - entry.last > this.policy.windowMs) {
      this.failures.delete(key);
      return 0;
    }
    return entry.count;
  }

  /** What to do with the next attempt from this client for this account. */
  check(keys: ThrottleKeys): Verdict {
    const client = this.recent(`client:${keys.client}`);
    const account = this.recent(`account:${keys.account}`);
    const refused = client >= this.policy.refuseAfter.client || account >= this.policy.refuseAfter.account;
    const failures = Math.max(client, account);
    const delayMs = failures === 0 ? 0 : Math.min(this.policy.maxDelayMs, this.policy.baseDelayMs * 2 ** (failures - 1));
    return { refused, delayMs, failures };
  }

  fail(keys: ThrottleKeys): void {
    for (const key of [`client:${keys.client}`, `account:${keys.account}`]) {
      const count = this.recent(key) + 1;
      this.failures.delete(key);
      this.failures.set(key, { count, last: this.now() });
    }
    while (this.failures.size > this.policy.maxEntries) this.failures.delete(this.failures.keys().next().value!);
  }

  /** A right password clears the account's failures (not the client's: one owned account must not
   * let a client keep guessing others). */
  succeed(keys: ThrottleKeys): void {
    this.failures.delete(`account:${keys.account}`);
  }
}
