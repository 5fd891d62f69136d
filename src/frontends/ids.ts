// Identifiers for events, SMTP transactions and queue entries: UUID version 7, so ids sort by
// the time they were made. The random bits come from a pool filled a few kilobytes at a time:
// one call to the system's random source per id cost 1-2% of a busy server's CPU.
import { randomFillSync } from 'node:crypto';
import { v7 } from 'uuid';

const POOL = 16 * 256;
const pool = new Uint8Array(POOL);
let used = POOL;
/** the last id's millisecond and counter: ids made in one millisecond still sort in order */
let msecs = -Infinity;
let seq = 0;

export function newId(): string {
  if (used === POOL) {
    randomFillSync(pool);
    used = 0;
  }
  const random = pool.subarray(used, (used += 16));
  const now = Date.now();
  if (now > msecs) {
    msecs = now;
    // A random start, below 2^31, as the uuid package starts its own counter.
    seq = ((random[6]! & 0x7f) << 24) | (random[7]! << 16) | (random[8]! << 8) | random[9]!;
  } else if ((seq = (seq + 1) | 0) === 0) {
    msecs++;
  }
  return v7({ random, msecs, seq });
}
