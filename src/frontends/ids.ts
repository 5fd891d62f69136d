// Identifiers for events, SMTP transactions and queue entries: UUID version 7, so ids sort by
// the time they were made; and for SMTP connections, in logs. The random bits come from a pool
// filled a few kilobytes at a time: one call to the system's random source per id cost 1-2% of a
// busy server's CPU.
import { randomFillSync } from 'node:crypto';
import { v7 } from 'uuid';

const POOL = 16 * 256;
const pool = new Uint8Array(POOL);
let used = POOL;
/** the last id's millisecond and counter: ids made in one millisecond still sort in order */
let msecs = -Infinity;
let seq = 0;

/** `length` (at most 16) random bytes, valid until the next call. */
function randomBytes(length: number): Uint8Array {
  if (used + length > POOL) {
    randomFillSync(pool);
    used = 0;
  }
  return pool.subarray(used, (used += length));
}

export function newId(): string {
  const random = randomBytes(16);
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

const BASE32 = '0123456789abcdefghijklmnopqrstuv';

/** 80 random bits as 16 base-32 digits: an SMTP connection's id, as smtp-server makes them. */
export function connectionId(): string {
  const random = randomBytes(10);
  let id = '';
  // Five bytes are eight digits of five bits.
  for (let at = 0; at < 10; at += 5) {
    let bits = 0;
    for (let k = at; k < at + 5; k++) bits = bits * 256 + random[k]!;
    for (let shift = 35; shift >= 0; shift -= 5) id += BASE32[Math.floor(bits / 2 ** shift) % 32];
  }
  return id;
}
