// Blob seals held back for the append that names the blob. A deferred put does not commit its
// blob's last write (the manifest, and the content of a small message) on its own: the append
// that names the blob (AppendOptions.blobs) writes it inside its own transaction, so a message
// and its events cost one commit, even when the append waits behind an earlier one of its
// stream. Whoever put the blob calls `durable()` once its appends are done: a seal no append
// wrote by then is committed on its own, as is one nobody asked about within HOLD_LIMIT_MS (a
// command that failed before its append), so nothing is held for ever.
import type { RootDatabase } from 'lmdb';
import { durably } from './commit.ts';

const HOLD_LIMIT_MS = 5000;

export class HeldSeal {
  #landed = false;
  #own: Promise<void> | undefined;
  readonly #limit = setTimeout(() => void this.durable().catch(() => {}), HOLD_LIMIT_MS).unref();

  constructor(
    readonly blobId: string,
    /** inside a write transaction; a no-op when this seal is already in it */
    readonly write: () => void,
    private readonly root: RootDatabase,
    private readonly held: HeldSeals,
  ) {}

  /** After the commit of a transaction that wrote it. */
  landed(): void {
    this.#landed = true;
    this.#released();
  }

  #released(): void {
    clearTimeout(this.#limit);
    this.held.release(this);
  }

  /** Settles once the blob is on disk: at once when an append took the seal, else by a commit of its own. */
  durable(): Promise<void> {
    if (this.#landed) return Promise.resolve();
    return (this.#own ??= (async () => {
      try {
        await durably(this.root.transaction(this.write));
        this.landed();
      } catch (error) {
        this.#released();
        throw error;
      }
    })());
  }
}

export class HeldSeals {
  readonly #byBlob = new Map<string, Set<HeldSeal>>();

  constructor(private readonly root: RootDatabase) {}

  hold(blobId: string, write: () => void): HeldSeal {
    const seal = new HeldSeal(blobId, write, this.root, this);
    let seals = this.#byBlob.get(blobId);
    if (!seals) this.#byBlob.set(blobId, (seals = new Set()));
    seals.add(seal);
    return seal;
  }

  /**
   * Inside a write transaction: writes every held seal of these blobs and returns them, for
   * `landed()` once that transaction commits. A transaction rolled back leaves them held.
   */
  writeIn(blobIds: readonly string[]): HeldSeal[] {
    const written: HeldSeal[] = [];
    for (const blobId of blobIds) {
      for (const seal of this.#byBlob.get(blobId) ?? []) {
        seal.write();
        written.push(seal);
      }
    }
    return written;
  }

  release(seal: HeldSeal): void {
    const seals = this.#byBlob.get(seal.blobId);
    if (!seals?.delete(seal) || seals.size) return;
    this.#byBlob.delete(seal.blobId);
  }

  /** how many seals are held (tests) */
  get size(): number {
    let n = 0;
    for (const seals of this.#byBlob.values()) n += seals.size;
    return n;
  }
}
