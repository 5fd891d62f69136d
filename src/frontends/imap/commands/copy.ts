// COPY, MOVE and their UID forms (RFC 3501 6.4.7, RFC 6851), answered with COPYUID (RFC 4315).
// A copy keeps the emailId; a move appends to the destination before it expunges the source.
import { command } from '../command.ts';
import { ImapError } from '../errors.ts';
import { formatSequenceSet } from '../protocol/sequence.ts';
import { findMailbox, messagesOf } from '../targets.ts';

function copying(kind: 'copy' | 'move', byUid: boolean) {
  return command({
    states: ['selected'],
    parse: (args) => ({ set: args.sequenceSet(), name: args.mailbox() }),
    async run(ctx, state, { set, name }) {
      const { mailbox } = state;
      if (kind === 'move' && mailbox.readOnly) throw new ImapError('ReadOnly');
      const target = findMailbox(ctx.runtime.accounts, state.user.accountId, name, 'TryCreate');
      const uids = messagesOf(mailbox, set, byUid).filter((uid) => !mailbox.isExpunged(uid));
      if (!uids.length) return {};
      const { mail } = ctx.runtime;
      const done =
        kind === 'copy'
          ? await mail.copy(mailbox.mailboxId, uids, target.mailboxId, ctx.commandContext())
          : await mail.move(mailbox.mailboxId, uids, target.mailboxId, ctx.commandContext());
      await ctx.settle(done.position);
      if (!done.uids.length) return {};
      const code = `COPYUID ${done.uidValidity} ${formatSequenceSet(done.from)} ${formatSequenceSet(done.uids)}`;
      if (kind === 'copy') return { code };
      // MOVE: COPYUID comes before the EXPUNGEs (RFC 6851 section 4.3).
      await ctx.untagged(`OK [${code}] Moved`);
      return {};
    },
  });
}

export const copy = copying('copy', false);
export const uidCopy = copying('copy', true);
export const move = copying('move', false);
export const uidMove = copying('move', true);
