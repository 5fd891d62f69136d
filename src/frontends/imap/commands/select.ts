// SELECT and EXAMINE (RFC 3501 6.3.1-2): the mailbox as it is now, from the mailbox view. SELECT
// claims the messages nobody has seen as \Recent; EXAMINE only counts them.
import { command } from '../command.ts';
import { ImapError } from '../errors.ts';
import { SelectedMailbox } from '../selected.ts';
import { AUTHENTICATED } from '../session.ts';
import { findMailbox } from '../targets.ts';
import { SYSTEM_FLAGS, formatFlags } from '../flags.ts';

function selecting(readOnly: boolean) {
  return command({
    states: AUTHENTICATED,
    parse: (args) => args.mailbox(),
    async run(ctx, state, name) {
      const { runtime } = ctx;
      const ref = findMailbox(runtime.accounts, state.user.accountId, name);
      const mailbox = await SelectedMailbox.open(runtime.mailboxes, ctx.recent, ref.mailboxId, ref.name, readOnly);
      if (!mailbox) throw new ImapError('NoSuchMailbox');
      const status = runtime.mailboxes.status(mailbox.mailboxId)!;
      const firstUnseen = mailbox.firstUnseen();
      await ctx.untagged(`FLAGS ${formatFlags(SYSTEM_FLAGS)}`);
      await ctx.untagged(`OK [PERMANENTFLAGS ${readOnly ? '()' : formatFlags([...SYSTEM_FLAGS, '\\*'])}] Flags permitted`);
      await ctx.untagged(`${mailbox.count} EXISTS`);
      await ctx.untagged(`${mailbox.recentCount} RECENT`);
      if (firstUnseen !== undefined) await ctx.untagged(`OK [UNSEEN ${firstUnseen}] First unseen`);
      await ctx.untagged(`OK [UIDVALIDITY ${mailbox.uidValidity}] UIDs valid`);
      await ctx.untagged(`OK [UIDNEXT ${status.uidNext}] Predicted next UID`);
      return { state: { kind: 'selected', user: state.user, mailbox }, code: readOnly ? 'READ-ONLY' : 'READ-WRITE' };
    },
    // A failed SELECT leaves no mailbox selected (RFC 3501 6.3.1).
    stateOnFailure: (state) => ({ kind: 'authenticated', user: state.user }),
  });
}

export const select = selecting(false);
export const examine = selecting(true);
