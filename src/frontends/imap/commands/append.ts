// APPEND (RFC 3501 6.3.11, UIDPLUS): the literal was streamed into the blob store as it arrived;
// the message is appended once the blob is durable and answered once the event is.
import { command } from '../command.ts';
import { ImapError } from '../errors.ts';
import { readFlags } from '../flags.ts';
import { bad } from '../protocol/args.ts';
import { parseDateTime } from '../protocol/dates.ts';
import { AUTHENTICATED } from '../session.ts';
import { findMailbox } from '../targets.ts';

export const append = command({
  states: AUTHENTICATED,
  streamsLiteral: true,
  parse(args) {
    const name = args.mailbox();
    const flags = args.peek()?.kind === 'list' ? readFlags(args.list()) : [];
    let internalDate: string | null = null;
    if (args.peek()?.kind === 'string') {
      const text = args.astring('a date-time');
      internalDate = parseDateTime(text);
      if (internalDate === null) bad(`Invalid date-time "${text}"`);
    }
    args.stream();
    return { name, flags, internalDate };
  },
  async run(ctx, state, { name, flags, internalDate }) {
    const message = ctx.appended();
    const target = findMailbox(ctx.runtime.accounts, state.user.accountId, name, 'TryCreate');
    // The blob's last write is held for the append, which makes it in its own commit; OK waits
    // for both (`durable`).
    const { durable, ...received } = await message;
    if (received.size === 0) throw new ImapError('Cannot', 'An empty message cannot be stored');
    const cctx = ctx.commandContext();
    // Into the selected mailbox: its next UID is claimed for \Recent while the message is stored.
    const selected = state.kind === 'selected' && state.mailbox.mailboxId === target.mailboxId ? state.mailbox : undefined;
    const uidNext = selected && ctx.runtime.mailboxes.status(target.mailboxId)?.uidNext;
    // A claim that fails is made again when the arrival is told; APPEND does not fail for it.
    const claimed = uidNext ? selected.claimAhead(uidNext).catch(() => {}) : undefined;
    const appended = await ctx.runtime.mail.append(
      target.mailboxId,
      [{ ...received, internalDate: internalDate ?? cctx.now, flags, source: { kind: 'append' } }],
      cctx,
      { blobsDeferred: true },
    );
    await durable();
    await ctx.settle(appended.position);
    await claimed;
    return { code: `APPENDUID ${appended.uidValidity} ${appended.uids[0]}` };
  },
});
