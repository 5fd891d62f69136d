// An account as it stood at a past moment, and a mailbox restored from that state: what
// `postlog show --as-of` and `postlog restore` do, apart from reading options and printing.
import { accountStream, type MailboxCreated } from '../domain/account/events.ts';
import { normalizeMailboxName } from '../domain/account/names.ts';
import { refuse } from '../domain/decider.ts';
import type { CommandContext } from '../domain/event.ts';
import { mailboxStream } from '../domain/mailbox/events.ts';
import { restoreMailbox, type Restored } from '../domain/restore.ts';
import { buildAt, type PointInTime } from '../projections/point-in-time.ts';
import type { Runtime } from './runtime.ts';

/** The account's folder tree and mailboxes at `asOf` (ISO 8601 UTC), read from its own streams only. */
export async function accountAt(runtime: Runtime, accountId: string, asOf: string, label = accountId): Promise<PointInTime> {
  const tree = await runtime.storage.events.readStream(accountStream(accountId));
  const mailboxes = tree.filter((r) => r.event.type === 'MailboxCreated').map((r) => mailboxStream((r.event as MailboxCreated).data.mailboxId));
  const at = await buildAt(runtime.storage.events, { at: asOf }, { streams: [accountStream(accountId), ...mailboxes] });
  if (!at.accounts.tree(accountId).length) {
    await at.close();
    const first = tree[0]?.event.meta.at;
    refuse('NotFound', `account ${label} had no folders yet at ${asOf}${first ? ` (its first folder was made at ${first})` : ''}`);
  }
  return at;
}

/** "YYYY-MM-DD HH:MM" in UTC, for names and tables. */
export function shortUtc(iso: string): string {
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)}`;
}

export type RestoreRequest = Readonly<{
  accountId: string;
  /** how the admin named the account, for messages */
  label?: string;
  /** the mailbox by the name it had at `asOf` */
  mailbox: string;
  /** ISO 8601 UTC */
  asOf: string;
  /** default: "<mailbox> (restored YYYY-MM-DD HH:MM)" */
  into?: string;
}>;

export type RestoreResult = Restored & Readonly<{ from: string; fromMailboxId: string; asOf: string }>;

/** Checks everything before writing: a refused restore leaves the log as it was. */
export async function restoreAsOf(runtime: Runtime, request: RestoreRequest, ctx: CommandContext): Promise<RestoreResult> {
  const { accountId } = request;
  const asOf = new Date(request.asOf).toISOString();
  const name = normalizeMailboxName(request.mailbox);
  const into = normalizeMailboxName(request.into ?? `${name} (restored ${shortUtc(asOf)})`);
  const at = await accountAt(runtime, accountId, asOf, request.label);
  let plan;
  try {
    const then = at.accounts.mailboxByName(accountId, name);
    if (!then) {
      const names = at.accounts.tree(accountId).filter((f) => f.mailboxId).map((f) => `"${f.name}"`);
      refuse('NotFound', `mailbox "${name}" did not exist at ${asOf}; the folders then were ${names.join(', ')}`);
    }
    if ((await runtime.mail.mailboxes(accountId)).some((m) => m.name === into)) {
      refuse('AlreadyExists', `mailbox "${into}" already exists: choose another name with --into`);
    }
    plan = { accountId, fromMailboxId: then.mailboxId, asOf, into, messages: at.mailboxes.messages(then.mailboxId) };
  } finally {
    await at.close();
  }
  const restored = await restoreMailbox(runtime.mail, plan, ctx);
  return { ...restored, from: name, fromMailboxId: plan.fromMailboxId, asOf };
}
