// How postlog's LMDB sub-databases encode their values: as plain MessagePack maps. lmdb-js's
// default, msgpackr records without shared structures, repeats a record's definition in every
// value, and every read parses it again (a tenth of an IMAP FETCH went there). Values written
// that way by an earlier version still read, since each carries its own definition.
import type { DatabaseOptions } from 'lmdb';

// lmdb-js hands `useRecords` on to its msgpackr encoder; its type declarations do not list it.
export const PLAIN_VALUES = { useRecords: false } as DatabaseOptions;
