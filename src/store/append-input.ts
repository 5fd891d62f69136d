// What every EventStore refuses before anything is written: malformed batches and events
// that are not plain data (they must round-trip through msgpackr and through JSON alike).
import type { DomainEvent } from '../domain/event.ts';
import { packedSummaryOf } from './deferred-summary.ts';
import type { ExpectedRevision } from './event-store.ts';

/** A batch that can never be stored as given; nothing of it was written. */
export class InvalidAppend extends TypeError {
  readonly type = 'InvalidAppend' as const;
  constructor(message: string) {
    super(message);
    this.name = 'InvalidAppend';
  }
}

// Keys in LMDB are at most 1978 bytes and carry a stream name or an event id; these bounds
// leave room for the rest of the key and are generous for `mailbox-<uuid>` style names.
const MAX_STREAM_BYTES = 512;
const MAX_EVENT_ID_BYTES = 200;
// Deeper than this is almost surely a cycle; a real event is a few levels deep.
const MAX_DEPTH = 64;

/** Throws InvalidAppend unless the batch can be stored exactly as the caller will read it back. */
export function checkAppendInput(
  stream: string,
  events: readonly DomainEvent[],
  expectedRevision: ExpectedRevision | undefined,
): void {
  checkKeyText(stream, 'stream name', MAX_STREAM_BYTES);
  checkExpectedRevision(expectedRevision);
  if (!Array.isArray(events) || events.length === 0) {
    throw new InvalidAppend(`append to ${stream}: needs a non-empty array of events`);
  }
  const ids = new Set<string>();
  events.forEach((event, i) => {
    const where = `append to ${stream}, event #${i}`;
    if (typeof event !== 'object' || event === null) throw new InvalidAppend(`${where}: is not an object`);
    if (typeof event.type !== 'string' || event.type === '') {
      throw new InvalidAppend(`${where}: needs a non-empty string type`);
    }
    if (typeof event.meta !== 'object' || event.meta === null) throw new InvalidAppend(`${where}: has no meta`);
    checkKeyText(event.meta.eventId, `${where}: meta.eventId`, MAX_EVENT_ID_BYTES);
    if (ids.has(event.meta.eventId)) {
      throw new InvalidAppend(`${where}: event id ${event.meta.eventId} appears twice in the batch`);
    }
    ids.add(event.meta.eventId);
    checkPlainData(event.data, `${where} (${event.type}): data`);
    checkPlainData(event.meta, `${where} (${event.type}): meta`);
  });
}

function checkKeyText(value: unknown, what: string, maxBytes: number): void {
  if (typeof value !== 'string' || value === '') throw new InvalidAppend(`${what} must be a non-empty string`);
  // LMDB's ordered keys use NUL as the separator inside compound keys.
  if (value.includes('\0')) throw new InvalidAppend(`${what} must not contain NUL characters`);
  if (Buffer.byteLength(value) > maxBytes) throw new InvalidAppend(`${what} is longer than ${maxBytes} bytes`);
}

function checkExpectedRevision(expected: unknown): void {
  if (expected === undefined || expected === 'any' || expected === 'no-stream' || expected === 'exists') return;
  if (typeof expected === 'number' && Number.isSafeInteger(expected) && expected >= 0) return;
  throw new InvalidAppend(
    `expectedRevision must be a revision (integer >= 0), 'no-stream', 'exists' or 'any', not ${String(expected)}`,
  );
}

/** Where a value that is not plain data sits (keys and indexes from the top), and what it is. */
type NotPlain = { at: (string | number)[]; what: string };

/**
 * Plain data is null, booleans, finite numbers, strings, arrays of plain data and objects with
 * the plain Object prototype. An undefined property is allowed (dropped, as JSON does);
 * undefined inside an array is not, as JSON would turn it into null. The path is built only on
 * the way back from a failure: most events pass, and a string per value would cost more than the walk.
 */
function findNotPlain(value: unknown, depth: number): NotPlain | undefined {
  switch (typeof value) {
    case 'string':
    case 'boolean':
    case 'undefined':
      return undefined;
    case 'number':
      return Number.isFinite(value) ? undefined : { at: [], what: `${value}, which JSON cannot hold` };
    case 'object':
      break;
    default:
      return { at: [], what: `a ${typeof value}` };
  }
  if (value === null) return undefined;
  if (depth >= MAX_DEPTH) return { at: [], what: `nested more than ${MAX_DEPTH} levels deep (a cycle?)` };
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const item: unknown = value[i];
      const found = item === undefined ? { at: [], what: 'undefined (or a hole), which JSON turns into null' } : findNotPlain(item, depth + 1);
      if (found) return (found.at.unshift(i), found);
    }
    return undefined;
  }
  const prototype: unknown = Object.getPrototypeOf(value);
  if (prototype !== Object.prototype && prototype !== null) {
    return { at: [], what: `a ${value.constructor?.name || 'object with a custom prototype'}` };
  }
  const packed = packedSummaryOf(value) !== undefined;
  for (const key of Object.keys(value)) {
    // A summary a store read back (or encoded already) was checked when first stored.
    if (packed && key === 'summary') continue;
    const found = findNotPlain(Reflect.get(value, key), depth + 1);
    if (found) return (found.at.unshift(key), found);
  }
  return undefined;
}

function checkPlainData(value: unknown, path: string): void {
  const found = findNotPlain(value, 0);
  if (found) throw notPlain(path + found.at.map((k) => (typeof k === 'number' ? `[${k}]` : `.${k}`)).join(''), found.what);
}

function notPlain(path: string, what: string): InvalidAppend {
  return new InvalidAppend(
    `${path} must be plain data (null, boolean, finite number, string, array, plain object), not ${what}`,
  );
}
