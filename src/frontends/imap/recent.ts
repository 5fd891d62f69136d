// \Recent (RFC 3501 2.3.2): a message is recent in the one session that first selects its
// mailbox after it arrived. Which messages were claimed is session state, not mail history, so it
// is no event: each mailbox has a cursor, the highest UID claimed, in a small LMDB environment of
// its own in the data directory. It outlives a restart, is shared by every session of every
// process on the data directory, and a projection rebuild leaves it alone, so old mail never
// turns recent again.
import { join } from 'node:path';
import { open, type Database, type RootDatabase } from 'lmdb';
import { durably } from '../../store/lmdb/commit.ts';
import { KEYS } from '../../store/lmdb/key-encoder.ts';

/** What a selected mailbox needs of the cursors (an in-memory stand-in in unit tests). */
export interface RecentClaims {
  /** the highest UID some session has claimed (0: none); what is above it is recent to everyone */
  claimed(mailboxId: string): number;
  /** claims every UID up to `upTo`; resolves with the cursor as it was, so the caller's own
   * recent messages are exactly those above it */
  claim(mailboxId: string, upTo: number): Promise<number>;
}

export class RecentCursors implements RecentClaims {
  private constructor(
    private readonly root: RootDatabase,
    private readonly db: Database<number, string>,
  ) {}

  /**
   * Not in the log's environment: there every commit waits for its fsync under the one write
   * lock, so a claim at each arrival would hold up deliveries and APPENDs. Here commits are
   * flushed behind (lmdb-js overlappingSync, crash-safe); a power cut may forget the last claims,
   * which makes those messages recent once more, as Dovecot's unsynced index would.
   */
  static open(dataDir: string): RecentCursors {
    // Event-turn batching off, as for the log: with it, a failed commit crashes Node (see open.ts).
    const root = open(join(dataDir, 'imap-recent.mdb'), { overlappingSync: true, eventTurnBatching: false });
    return new RecentCursors(root, root.openDB<number, string>('cursors', KEYS));
  }

  claimed(mailboxId: string): number {
    return this.db.get(mailboxId) ?? 0;
  }

  async claim(mailboxId: string, upTo: number): Promise<number> {
    // A read outside a transaction may lag behind another process, never run ahead of it: when
    // it already covers `upTo`, so does the cursor, and no write is needed.
    const seen = this.claimed(mailboxId);
    if (upTo <= seen) return seen;
    // Read and moved in one write transaction: LMDB's single writer, across processes too, makes
    // two sessions' claims follow one another, so no message is recent in both.
    return durably(
      this.root.transaction(() => {
        const before = this.claimed(mailboxId);
        if (upTo > before) this.db.putSync(mailboxId, upTo);
        return before;
      }),
    );
  }

  close(): Promise<void> {
    return this.root.close();
  }
}
