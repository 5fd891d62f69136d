// Failures particular to the LMDB engine, typed so callers can map them without parsing text.

/**
 * A batch re-uses event ids in a way that is neither a new append nor an exact retry:
 * some of its ids are stored and some are not, or they are stored in another stream.
 */
export class EventIdConflict extends Error {
  readonly type = 'EventIdConflict' as const;
  constructor(readonly stream: string, readonly eventIds: readonly string[], reason: string) {
    super(`append to ${stream}: ${reason} (event ids ${eventIds.join(', ')})`);
    this.name = 'EventIdConflict';
  }
}

/** LMDB could not commit a write transaction (disk full, I/O error ...); nothing of it is stored. */
export class CommitFailed extends Error {
  readonly type = 'CommitFailed' as const;
  constructor(cause: unknown) {
    super(`storage commit failed: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
    this.name = 'CommitFailed';
  }
}

/** A blob's manifest or chunks are missing or malformed. */
export class CorruptBlob extends Error {
  readonly type = 'CorruptBlob' as const;
  constructor(readonly blobId: string, reason: string) {
    super(`corrupt blob ${blobId}: ${reason}`);
    this.name = 'CorruptBlob';
  }
}

/** The store was closed; no more appends or subscriptions. */
export class StoreClosed extends Error {
  readonly type = 'StoreClosed' as const;
  constructor() {
    super('the event store is closed');
    this.name = 'StoreClosed';
  }
}

/** An append names a blob that is not stored (its write failed, or it never was). */
export class MissingBlob extends Error {
  readonly type = 'MissingBlob' as const;
  constructor(readonly blobId: string) {
    super(`blob ${blobId} is not stored: the events naming it are not appended`);
    this.name = 'MissingBlob';
  }
}

/** The work an append does for the read models inside its transaction failed; the append is retried without it. */
export class InlineApplyFailed extends Error {
  readonly type = 'InlineApplyFailed' as const;
  constructor(cause: unknown) {
    super(`inline read-model update failed: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
    this.name = 'InlineApplyFailed';
  }
}
