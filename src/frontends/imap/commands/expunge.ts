// EXPUNGE (RFC 3501 6.4.3) and UID EXPUNGE (RFC 4315): removes \Deleted messages the client
// knows of; the EXPUNGE responses come from the change feed like anyone else's expunges.
import { hasFlag } from '../../../domain/mailbox/flags.ts';
import { command, none } from '../command.ts';
import { ImapError } from '../errors.ts';
import { resolveUids } from '../protocol/sequence.ts';
import type { SelectedMailbox } from '../selected.ts';
import type { ImapContext } from '../command.ts';

async function expungeDeleted(ctx: ImapContext, mailbox: SelectedMailbox, only?: ReadonlySet<number>): Promise<void> {
  if (mailbox.readOnly) throw new ImapError('ReadOnly');
  const { mailboxes } = ctx.runtime;
  // Most EXPUNGEs (and every CLOSE) find nothing to do: the view counts \Deleted messages.
  if (!mailboxes.status(mailbox.mailboxId)?.deleted) return;
  // The session knows each message's flags from the change feed: only those it saw \Deleted
  // are read, and the view decides, so a large folder is not read whole.
  const deleted = mailbox
    .flagged('\\Deleted')
    .filter((uid) => (!only || only.has(uid)) && hasFlag(mailboxes.message(mailbox.mailboxId, uid)?.flags ?? [], '\\Deleted'));
  if (!deleted.length) return;
  const { position } = await ctx.runtime.mail.expunge(mailbox.mailboxId, deleted, 'expunge', ctx.commandContext());
  await ctx.settle(position);
}

export const expunge = command({
  states: ['selected'],
  parse: none,
  async run(ctx, state) {
    await expungeDeleted(ctx, state.mailbox);
    return {};
  },
});

export const uidExpunge = command({
  states: ['selected'],
  parse: (args) => args.sequenceSet(),
  async run(ctx, state, set) {
    await expungeDeleted(ctx, state.mailbox, new Set(resolveUids(set, state.mailbox.uidList)));
    return {};
  },
});
