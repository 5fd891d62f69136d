// How postlog's LMDB sub-databases encode their values: as plain MessagePack maps. lmdb-js's
// default, msgpackr records without shared structures, repeats a record's definition in every
// value, and every read parses it again (a tenth of an IMAP FETCH went there). Values written
// that way by an earlier version still read, since each carries its own definition. Keys are
// encoded as everywhere else (key-encoder.ts).
import type { DatabaseOptions } from 'lmdb';
import { KEYS } from './key-encoder.ts';

// lmdb-js hands `useRecords` on to its msgpackr encoder; its type declarations do not list it.
export const PLAIN_VALUES = { ...KEYS, useRecords: false } as DatabaseOptions;
