// Domain rules of export and import: which streams belong to one account, and what an imported
// stream may add to ours (a log moved between machines, not a second history: a stream both
// sides wrote after they parted is for `postlog merge`).
import type { DirectoryEvent } from '../directory/events.ts';
import { DIRECTORY_STREAM } from '../directory/events.ts';
import { DomainError } from '../decider.ts';
import type { DomainEvent } from '../event.ts';
import { loginStream } from '../login/events.ts';
import { decideDirectoryMerge } from './directory-merge.ts';
import { forkPoint } from './plan.ts';

/** An account's streams: its folder tree, its mailboxes, its logins, and its own entries of the directory. */
export function accountStreams(streams: ReadonlyMap<string, readonly DomainEvent[]>, accountId: string): Map<string, DomainEvent[]> {
  const out = new Map<string, DomainEvent[]>();
  const directory = (streams.get(DIRECTORY_STREAM) ?? []) as DirectoryEvent[];
  const created = directory.find((e) => e.type === 'AccountCreated' && e.data.accountId === accountId);
  if (!created || created.type !== 'AccountCreated') throw new DomainError('NotFound', `no account ${accountId} in this store`);
  const domain = created.data.address.split('@')[1];
  const own = directory.filter((e) =>
    e.type === 'DomainAdded' ? e.data.domain === domain : 'accountId' in e.data && e.data.accountId === accountId,
  );
  out.set(DIRECTORY_STREAM, own);
  out.set(`account-${accountId}`, [...(streams.get(`account-${accountId}`) ?? [])]);
  // Its logins travel with it: the audit on the importing side keeps them.
  const logins = streams.get(loginStream(accountId));
  if (logins) out.set(loginStream(accountId), [...logins]);
  for (const [stream, events] of streams) {
    const first = events[0];
    if (stream.startsWith('mailbox-') && first?.type === 'MailboxInitialized' && (first.data as { accountId: string }).accountId === accountId) {
      out.set(stream, [...events]);
    }
  }
  return out;
}

export type ImportPlan = { stream: string; expectedRevision: number; events: DomainEvent[]; conflicts: string[] };

/** What importing `file`'s stream adds to ours; refuses a stream that diverged from ours. */
export function planImport(stream: string, ours: readonly DomainEvent[], file: readonly DomainEvent[]): ImportPlan {
  const expectedRevision = ours.length - 1;
  if (stream === DIRECTORY_STREAM) {
    const { events, conflicts } = decideDirectoryMerge(ours as DirectoryEvent[], file as DirectoryEvent[]);
    return { stream, expectedRevision, events, conflicts };
  }
  const fork = forkPoint(ours, file);
  if (fork === file.length) return { stream, expectedRevision, events: [], conflicts: [] };
  if (fork === ours.length) return { stream, expectedRevision, events: file.slice(fork), conflicts: [] };
  throw new DomainError(
    'Conflict',
    `stream ${stream} was written here and in the file after they parted (${ours.length - fork} events here, ` +
      `${file.length - fork} in the file): use postlog merge --from FILE instead; nothing was imported`,
  );
}
