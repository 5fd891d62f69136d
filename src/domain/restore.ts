// Restoring a mailbox as it stood at a past moment: a new mailbox whose messages are new
// arrivals carrying the old ones' emailId, blob and flags. History is appended to, never rewritten.
import { placedAgain, type MailService } from './mail-service.ts';
import type { CommandContext } from './event.ts';
import type { AppendedMessage } from './mailbox/events.ts';
import { normalizeMailboxName } from './account/names.ts';

export type RestorePlan = Readonly<{
  accountId: string;
  fromMailboxId: string;
  /** ISO 8601 UTC */
  asOf: string;
  into: string;
  /** the mailbox's messages at `asOf`, in UID order */
  messages: readonly Omit<AppendedMessage, 'modseq' | 'source'>[];
}>;

export type Restored = Readonly<{ mailboxId: string; name: string; uids: number[] }>;

/** Appends in batches: one event per message, a bounded number of events per commit. */
const BATCH = 500;

export async function restoreMailbox(mail: MailService, plan: RestorePlan, ctx: CommandContext): Promise<Restored> {
  const name = normalizeMailboxName(plan.into);
  // Refuses an existing name before anything is written.
  const events = await mail.createMailbox(plan.accountId, name, ctx);
  const created = events.find((e) => e.type === 'MailboxCreated' && e.data.name === name);
  const mailboxId = created?.type === 'MailboxCreated' ? created.data.mailboxId : (await mail.mailbox(plan.accountId, name)).mailboxId;
  const uids: number[] = [];
  for (let i = 0; i < plan.messages.length; i += BATCH) {
    const batch = plan.messages
      .slice(i, i + BATCH)
      .map((m) => placedAgain(m, { kind: 'restore', fromMailboxId: plan.fromMailboxId, fromUid: m.uid, asOf: plan.asOf }));
    uids.push(...(await mail.append(mailboxId, batch, ctx)).uids);
  }
  return { mailboxId, name, uids };
}
