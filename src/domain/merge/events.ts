// The record a merge leaves in the log: one `MergeApplied` per run that changed something, on
// its own `merge-<id>` stream, summing up what it did to each account and mailbox.
import type { DomainEvent } from '../event.ts';
import type { MailboxMergeCounts } from './mailbox-merge.ts';

export type MailboxMergeSummary = MailboxMergeCounts & { accountId: string; mailboxId: string; name: string };

export type MergeApplied = DomainEvent<
  'MergeApplied',
  {
    mergeId: string;
    /** the other store: its origin and where it was read from (a data directory or an export file) */
    from: { origin: string; location: string };
    mailboxes: MailboxMergeSummary[];
    folders: { accountId: string; created: string[]; renamed: { from: string; to: string }[]; deleted: string[] }[];
    /** directory events of the other store that could not be taken (an address held by two users ...) */
    conflicts: string[];
    /** events appended in all, and those copied as they were (same event id) */
    appended: number;
    copied: number;
  }
>;

export type MergeEvent = MergeApplied;

export const MERGE_EVENT_TYPES: readonly MergeEvent['type'][] = ['MergeApplied'];

export const mergeStream = (mergeId: string) => `merge-${mergeId}`;
