// Connections per client address: a client that opens too many is told to come back later
// instead of crowding out everyone else.
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
