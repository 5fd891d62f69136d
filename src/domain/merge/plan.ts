// Which events each stream of ours needs to reach the merge of two stores, stream by stream
// and without I/O. A stream the other store only extended is copied as it is (same event ids);
// a stream both stores wrote after their fork is merged by the rules of its kind.
import type { AccountEvent } from '../account/events.ts';
import type { DirectoryEvent } from '../directory/events.ts';
import { DIRECTORY_STREAM } from '../directory/events.ts';
import type { CommandContext, DomainEvent } from '../event.ts';
import type { MailboxEvent } from '../mailbox/events.ts';
import { accountSide, decideAccountMerge } from './account-merge.ts';
import { decideDirectoryMerge } from './directory-merge.ts';
import { decideMailboxMerge, type MailboxMergeCounts } from './mailbox-merge.ts';
import { SideBuilder } from './placements.ts';

export type StreamPlan = {
  stream: string;
  /** our stream's last revision the plan was made against (-1: none) */
  expectedRevision: number;
  events: DomainEvent[];
  /** true when the events are the other store's own (same ids), false when decided by the merge */
  copied: boolean;
  mailbox?: MailboxMergeCounts & { mailboxId: string; accountId: string };
  folders?: { accountId: string; created: string[]; renamed: { from: string; to: string }[]; deleted: string[] };
  conflicts: string[];
};

/** How many events the two histories share from the start (the fork point). */
export function forkPoint(ours: readonly DomainEvent[], theirs: readonly DomainEvent[]): number {
  let n = 0;
  while (n < ours.length && n < theirs.length && ours[n]!.meta.eventId === theirs[n]!.meta.eventId) n++;
  return n;
}

export function planStream(stream: string, ours: readonly DomainEvent[], theirs: readonly DomainEvent[], ctx: CommandContext): StreamPlan {
  const plan: StreamPlan = { stream, expectedRevision: ours.length - 1, events: [], copied: false, conflicts: [] };
  const fork = forkPoint(ours, theirs);
  if (stream === DIRECTORY_STREAM) {
    const decision = decideDirectoryMerge(ours as DirectoryEvent[], theirs as DirectoryEvent[]);
    return { ...plan, events: decision.events, copied: true, conflicts: decision.conflicts };
  }
  if (fork === theirs.length) return plan; // nothing new over there
  if (fork === ours.length) {
    const events = theirs.slice(fork);
    return { ...plan, events: [...events], copied: true, ...described(stream, events) };
  }
  if (stream.startsWith('mailbox-')) {
    // The shared history is folded once; only what each store did after it is weighed.
    const a = new SideBuilder();
    for (let i = 0; i < fork; i++) a.add(ours[i] as MailboxEvent);
    const b = a.fork();
    for (let i = fork; i < ours.length; i++) a.add(ours[i] as MailboxEvent);
    for (let i = fork; i < theirs.length; i++) b.add(theirs[i] as MailboxEvent);
    const { events, counts } = decideMailboxMerge(a.side, b.side, ctx, new Set([...a.touched, ...b.touched]));
    return { ...plan, events, mailbox: { ...counts, mailboxId: a.side.mailboxId, accountId: a.side.accountId } };
  }
  if (stream.startsWith('account-')) {
    const accountId = stream.slice('account-'.length);
    const decision = decideAccountMerge(accountSide(accountId, ours as AccountEvent[]), accountSide(accountId, theirs as AccountEvent[]), ctx);
    const { created, renamed, deleted } = decision;
    return { ...plan, events: decision.events, folders: { accountId, created, renamed, deleted }, conflicts: decision.nameConflicts };
  }
  // Other streams (outbound queue items, earlier merges): what ours lacks, in their order.
  const known = new Set(ours.map((e) => e.meta.eventId));
  return { ...plan, events: theirs.filter((e) => !known.has(e.meta.eventId)), copied: true };
}

/** What copying the other store's events as they are does to a mailbox or folder tree, for the report. */
function described(stream: string, events: readonly DomainEvent[]): Partial<StreamPlan> {
  if (stream.startsWith('mailbox-')) {
    const counts = { added: 0, duplicates: 0, renumbered: 0, flagChanges: 0, expunged: 0 };
    let mailboxId = '';
    let accountId = '';
    for (const e of events as MailboxEvent[]) {
      mailboxId = e.data.mailboxId;
      if (e.type === 'MailboxInitialized') accountId = e.data.accountId;
      else if (e.type === 'MessageAppended') counts.added++;
      else if (e.type === 'FlagsChanged') counts.flagChanges += e.data.changes.length;
      else if (e.type === 'MessagesExpunged') counts.expunged += e.data.uids.length;
    }
    return { mailbox: { ...counts, mailboxId, accountId } };
  }
  if (stream.startsWith('account-')) {
    const accountId = stream.slice('account-'.length);
    const folders = { accountId, created: [] as string[], renamed: [] as { from: string; to: string }[], deleted: [] as string[] };
    for (const e of events as AccountEvent[]) {
      if (e.type === 'MailboxCreated') folders.created.push(e.data.name);
      else if (e.type === 'MailboxRenamed') folders.renamed.push(...e.data.renames.map(({ from, to }) => ({ from, to })));
      else if (e.type === 'MailboxDeleted') folders.deleted.push(e.data.name);
    }
    return { folders };
  }
  return {};
}

/** The order streams are merged in: the directory, then mailboxes, then folder trees, then the rest. */
export function streamOrder(stream: string): number {
  if (stream === DIRECTORY_STREAM) return 0;
  if (stream.startsWith('mailbox-')) return 1;
  if (stream.startsWith('account-')) return 2;
  return 3;
}
