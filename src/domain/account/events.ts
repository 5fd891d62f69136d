// Events of an account stream (`account-<accountId>`): the folder tree and subscriptions.
import type { DomainEvent } from '../event.ts';

export type SpecialUse = '\\Sent' | '\\Drafts' | '\\Trash' | '\\Junk' | '\\Archive' | '\\All' | '\\Flagged';

export type MailboxCreated = DomainEvent<
  'MailboxCreated',
  { accountId: string; mailboxId: string; name: string; uidValidity: number; specialUse: SpecialUse | null }
>;
export type MailboxRenamed = DomainEvent<
  'MailboxRenamed',
  { accountId: string; renames: { mailboxId: string; from: string; to: string }[] }
>;
export type MailboxDeleted = DomainEvent<'MailboxDeleted', { accountId: string; mailboxId: string; name: string }>;
export type MailboxSubscribed = DomainEvent<'MailboxSubscribed', { accountId: string; name: string }>;
export type MailboxUnsubscribed = DomainEvent<'MailboxUnsubscribed', { accountId: string; name: string }>;

export type AccountEvent = MailboxCreated | MailboxRenamed | MailboxDeleted | MailboxSubscribed | MailboxUnsubscribed;

export const ACCOUNT_EVENT_TYPES: readonly AccountEvent['type'][] = [
  'MailboxCreated',
  'MailboxRenamed',
  'MailboxDeleted',
  'MailboxSubscribed',
  'MailboxUnsubscribed',
];

export const accountStream = (accountId: string) => `account-${accountId}`;
