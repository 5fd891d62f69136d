// Connections per client address: a client that opens too many is told to come back later
// instead of crowding out everyone else. And the pause before the greeting, which a client
// that once waited for it quietly skips for a while.
import { plainAddress } from '../directory/networks.ts';

export class ConnectionLimiter {
  private readonly open = new Map<string, number>();

  constructor(private readonly perClient: number) {}

  /** Takes a slot for this address; false when it already holds all it may. */
  enter(address: string): boolean {
    const key = plainAddress(address);
    const n = this.open.get(key) ?? 0;
    if (n >= this.perClient) return false;
    this.open.set(key, n + 1);
    return true;
  }

  leave(address: string): void {
    const key = plainAddress(address);
    const n = (this.open.get(key) ?? 0) - 1;
    if (n > 0) this.open.set(key, n);
    else this.open.delete(key);
  }

  connections(address: string): number {
    return this.open.get(plainAddress(address)) ?? 0;
  }
}

/**
 * The pause before the greeting catches clients that talk first (spam engines that do not wait
 * for the server). A client address that waited out the pause quietly has shown it follows the
 * protocol: its connections are greeted at once for `passMs`, so a mail server sending many
 * messages, one connection each, pays the pause once a day rather than on every connection.
 * The passes are kept in memory, at most `capacity` addresses (the oldest pass goes first).
 */
export class GreetingScreen {
  /** address -> when its pass ends, oldest pass first */
  private readonly passes = new Map<string, number>();

  constructor(
    readonly pauseMs: number,
    private readonly passMs: number,
    private readonly capacity = 100_000,
    private readonly now: () => number = Date.now,
  ) {}

  /** How long this client's greeting waits. */
  pauseFor(address: string): number {
    if (this.pauseMs === 0) return 0;
    const key = plainAddress(address);
    const until = this.passes.get(key);
    if (until === undefined) return this.pauseMs;
    if (until > this.now()) return 0;
    this.passes.delete(key);
    return this.pauseMs;
  }

  /** The client waited out the pause without talking. */
  passed(address: string): void {
    if (this.passMs === 0) return;
    const key = plainAddress(address);
    this.passes.delete(key);
    this.passes.set(key, this.now() + this.passMs);
    if (this.passes.size > this.capacity) this.passes.delete(this.passes.keys().next().value!);
  }
}
