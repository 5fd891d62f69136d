// How postlog's LMDB sub-databases encode their keys: as lmdb-js's default does (ordered-binary),
// byte for byte, so every data directory reads the same either way; only faster.
//
// ordered-binary writes a key byte by byte into the buffer it is handed, and lmdb-js hands it
// buffers of five or more shapes (its key buffer, its write-instruction buffers, the buffers it
// saves range keys in). V8 then stores every byte through its generic path, not one compiled for a
// buffer's shape: 1-3 µs a key where one shape takes 0.1 µs (measured in the SMTP server, with
// about 28 keys a message). Here ordered-binary only ever writes into one buffer of this module's,
// and the key is copied from it into lmdb-js's buffer with one native copy.
import type { DatabaseOptions } from 'lmdb';
import { enableNullTermination, readKey, writeKey as writeOrderedKey } from 'ordered-binary';

type Key = Parameters<typeof writeOrderedKey>[0];

/** Room for any key lmdb-js takes (4026 bytes at most): a longer one fails, here or there, before anything is written. */
const scratch = Buffer.alloc(8192);
/** lmdb-js turns null termination on: 4 zero bytes follow a key (not part of it) */
const TERMINATOR = 4;

function writeKey(key: Key, target: Uint8Array, position: number, inSequence?: boolean): number {
  const end = writeOrderedKey(key, scratch, 0, inSequence);
  const length = inSequence ? end : end + TERMINATOR;
  // As ordered-binary does with a buffer too small: lmdb-js then takes a larger one, or says the
  // key is too large.
  if (position + length > target.length) throw new RangeError('key does not fit in the target buffer');
  if (!inSequence) scratch.fill(0, end, length);
  target.set(scratch.subarray(0, length), position);
  return position + end;
}

/**
 * Spread into every sub-database's options: lmdb-js does not pass a key encoder on from the root
 * (and its type declarations list `keyEncoder` for the root only).
 */
export const KEYS = { keyEncoder: { writeKey, readKey, enableNullTermination } } as DatabaseOptions;
