// The key-value read model of a projection, as an LMDB sub-database.
import type { Database } from 'lmdb';
import type { Key, KeyValue } from './projection.ts';

/** Sorts after every string and number our keys use. */
const HIGH = '\uffff';

export function lmdbKeyValue(db: Database): KeyValue {
  return {
    get: <T>(key: Key) => db.get(key as Key[number][]) as T | undefined,
    put: (key, value) => void db.putSync(key as Key[number][], value),
    remove: (key) => void db.removeSync(key as Key[number][]),
    children: <T>(prefix: Key, from?: string | number) =>
      db
        .getRange({ start: [...prefix, from ?? null] as never, end: [...prefix, HIGH] })
        .map(({ key, value }) => ({ key: key as unknown as Key, value: value as T })),
  };
}
