// Values read far more often than they change (a mailbox's counters, which every IMAP command
// looks at; the read models' checkpoints, read several times per append) are decoded again only
// when their stored bytes differ from the last ones decoded. Comparing a hundred bytes costs a
// fraction of decoding a map of them, and reading them straight from the database, as every read
// here still does, sees another process's writes as soon as they are committed.
import { asBinary, type Database } from 'lmdb';
import { Packr } from 'msgpackr';

/** Encodes as the databases this serves do (PLAIN_VALUES): plain MessagePack maps. */
const plain = new Packr({ useRecords: false });

export class DecodedCache<T extends object> {
  readonly #kept = new Map<string, { bytes: Buffer; value: T }>();
  /** the database's own decoder (lmdb-js sets it up from the database's options; untyped) */
  readonly #decoder: { decode(bytes: Buffer): unknown };

  constructor(
    private readonly db: Database,
    /** how many keys are kept; the oldest go first */
    private readonly limit = 1000,
  ) {
    this.#decoder = (db as unknown as { decoder: { decode(bytes: Buffer): unknown } }).decoder;
  }

  /** The value under `key` (`id` names it in the cache), as a shallow copy the caller may change. */
  get(id: string, key: unknown[] | string): T | undefined {
    const found = this.db.getBinaryFast(key as never);
    if (found === undefined) {
      this.#kept.delete(id);
      return undefined;
    }
    // lmdb-js reads into a buffer it reuses, longer than the value: its size is `lastSize`.
    const bytes = found.subarray(0, (this.db as unknown as { lastSize: number }).lastSize);
    let kept = this.#kept.get(id);
    if (kept === undefined || !kept.bytes.equals(bytes)) {
      // Decoded from a copy: the fast read's buffer is reused by the next read.
      const copy = Buffer.allocUnsafe(bytes.length);
      copy.set(bytes);
      kept = { bytes: copy, value: this.#decoder.decode(copy) as T };
      this.#kept.delete(id);
      this.#kept.set(id, kept);
      if (this.#kept.size > this.limit) this.#kept.delete(this.#kept.keys().next().value!);
    }
    return { ...kept.value };
  }

  /**
   * In a write transaction: stores `value` under `key` and keeps it with the bytes written, so
   * the reads after it, in this transaction and after its commit, decode nothing.
   */
  putSync(id: string, key: unknown[] | string, value: T): void {
    const bytes = plain.pack(value);
    this.db.putSync(key as never, asBinary(bytes));
    this.#kept.delete(id);
    this.#kept.set(id, { bytes, value: { ...value } });
    if (this.#kept.size > this.limit) this.#kept.delete(this.#kept.keys().next().value!);
  }
}
