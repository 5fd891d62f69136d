// What a command's arguments point at: a mailbox of the user's tree, or messages of the
// selected mailbox by sequence numbers or UIDs.
import { normalizeMailboxName } from '../../domain/account/names.ts';
import type { AccountView } from '../../projections/account-view.ts';
import type { MailboxView, MessageRecord } from '../../projections/mailbox-view.ts';
import type { MessageSummary } from '../../domain/message/summary.ts';
import { ImapError } from './errors.ts';
import { bad } from './protocol/args.ts';
import { resolveSequenceNumbers, resolveUids, type SequenceSet } from './protocol/sequence.ts';
import type { SelectedMailbox } from './selected.ts';

export type MailboxRef = Readonly<{ mailboxId: string; name: string; uidValidity: number }>;

/** A mailbox that exists and can hold messages; `missing` is the refusal when it does not. */
export function findMailbox(accounts: AccountView, accountId: string, name: string, missing: 'NoSuchMailbox' | 'TryCreate' = 'NoSuchMailbox'): MailboxRef {
  const canonical = normalizeMailboxName(name);
  const entry = accounts.mailboxByName(accountId, canonical);
  if (!entry) throw new ImapError(missing);
  return { mailboxId: entry.mailboxId, name: entry.name, uidValidity: entry.uidValidity };
}

/** The UIDs a set names, in ascending order; a message number past the end is a BAD. */
export function messagesOf(mailbox: SelectedMailbox, set: SequenceSet, byUid: boolean): number[] {
  if (byUid) return resolveUids(set, mailbox.uidList);
  const seqs = resolveSequenceNumbers(set, mailbox.count);
  if (seqs === null) bad('Invalid message sequence number');
  return seqs.map((seq) => mailbox.uidAt(seq) as number);
}

/** A message expunged while a command ran over it. */
export class Vanished extends Error {}

/**
 * A message of the selected mailbox as a command reads it, each part on first use (a command
 * about flags alone reads nothing): its record, or only its summary (envelope, structure), which
 * the view caches. Either throws Vanished once the message is gone.
 */
export class MessageSource {
  #read: MessageRecord | undefined;

  constructor(
    private readonly view: MailboxView,
    private readonly mailboxId: string,
    private readonly uid: number,
  ) {}

  record(): MessageRecord {
    this.#read ??= this.view.message(this.mailboxId, this.uid);
    if (!this.#read) throw new Vanished();
    return this.#read;
  }

  summary(): MessageSummary {
    const found = this.#read ? this.#read.summary : this.view.summary(this.mailboxId, this.uid);
    if (!found) throw new Vanished();
    return found;
  }
}
