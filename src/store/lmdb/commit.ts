// Awaiting an lmdb-js write. The environment is opened with overlappingSync off, so a write's
// promise settles only after LMDB's commit, which fsyncs: a resolved write is on disk.
import { CommitFailed } from './errors.ts';

/**
 * Resolves with the write's result once it is durable. When the commit itself fails, lmdb-js
 * rejects with a generic error whose `commitError` promise holds the cause and rejects too;
 * that promise is handled here (else Node would crash on an unhandled rejection) and its
 * cause reported as CommitFailed. Errors thrown by a transaction callback pass unchanged.
 */
export async function durably<T>(write: Promise<T>): Promise<T> {
  try {
    return await write;
  } catch (error) {
    if (typeof error !== 'object' || error === null || !('commitError' in error)) throw error;
    const cause = await Promise.resolve(error.commitError).then(
      () => error,
      (reason: unknown) => reason,
    );
    throw new CommitFailed(cause);
  }
}
