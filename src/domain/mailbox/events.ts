// Events of a mailbox stream (`mailbox-<mailboxId>`): its UIDVALIDITY, arrivals, flag changes, expunges.
import type { DomainEvent } from '../event.ts';
import type { MessageSummary } from '../message/summary.ts';

/** How a message came to be in the mailbox: the delivery trace merges and `history` rely on. */
export type MessageSource =
  | {
      kind: 'delivery';
      /** SMTP envelope */
      mailFrom: string;
      rcptTo: string;
      /** client address, or "local" for the delivery agent */
      clientAddress: string;
      /** the SMTP transaction (or local delivery run) that carried the message */
      transactionId: string;
      /** SHA-256 of the message as the client sent it (before our trace headers): with the
       * envelope, recognises a resend after a lost reply */
      contentHash?: string;
    }
  | { kind: 'append' }
  | { kind: 'copy' | 'move'; fromMailboxId: string; fromUid: number }
  | { kind: 'import'; note?: string }
  /** `postlog restore`: the message as it stood in `fromMailboxId` at `asOf` (ISO 8601 UTC) */
  | { kind: 'restore'; fromMailboxId: string; fromUid: number; asOf: string };

export type MailboxInitialized = DomainEvent<
  'MailboxInitialized',
  { mailboxId: string; accountId: string; uidValidity: number }
>;

export type AppendedMessage = {
  uid: number;
  modseq: number;
  emailId: string;
  blobId: string;
  size: number;
  /** ISO 8601 */
  internalDate: string;
  /** system flags (\Seen ...) and keywords, as given */
  flags: string[];
  summary: MessageSummary;
  source: MessageSource;
  /** set when `postlog merge` placed this copy (from the other store, or renumbered) */
  merged?: MergedPlacement;
};

/** How a merge placed a message: its identity across stores and the event that first placed it. */
export type MergedPlacement = {
  /** the message's identity in this mailbox across stores (see domain/merge/placements.ts) */
  key: string;
  /** id of the event that first placed this copy: POP3 UIDLs of duplicate copies depend on it */
  placedBy: string;
  /** the UID it had on this store before a UID conflict renumbered it */
  renumberedFrom?: number;
};

export type MessageAppended = DomainEvent<'MessageAppended', { mailboxId: string } & AppendedMessage>;

/** One modseq for the whole change; `changes` lists only messages whose flags really changed. */
export type FlagsChanged = DomainEvent<
  'FlagsChanged',
  { mailboxId: string; modseq: number; changes: { uid: number; added: string[]; removed: string[] }[] }
>;

export type MessagesExpunged = DomainEvent<
  'MessagesExpunged',
  {
    mailboxId: string;
    modseq: number;
    uids: number[];
    /** "expunge" by a client, "moved" to another mailbox, "pop3" at QUIT, ... */
    reason: string;
    movedTo?: { mailboxId: string; uids: number[] };
  }
>;

export type MailboxEvent = MailboxInitialized | MessageAppended | FlagsChanged | MessagesExpunged;

export const MAILBOX_EVENT_TYPES: readonly MailboxEvent['type'][] = [
  'MailboxInitialized',
  'MessageAppended',
  'FlagsChanged',
  'MessagesExpunged',
];

export const mailboxStream = (mailboxId: string) => `mailbox-${mailboxId}`;
