// CLOSE (RFC 3501 6.4.2) expunges \Deleted messages silently and deselects; UNSELECT (RFC 3691)
// only deselects.
import { hasFlag } from '../../../domain/mailbox/flags.ts';
import { command, none } from '../command.ts';

export const close = command({
  states: ['selected'],
  parse: none,
  async run(ctx, state) {
    const { mailbox } = state;
    // The view counts \Deleted messages: most CLOSEs need not read the folder.
    if (!mailbox.readOnly && ctx.runtime.mailboxes.status(mailbox.mailboxId)?.deleted) {
      const deleted = ctx.runtime.mailboxes.listing(mailbox.mailboxId).filter((m) => hasFlag(m.flags, '\\Deleted')).map((m) => m.uid);
      if (deleted.length) {
        const { position } = await ctx.runtime.mail.expunge(mailbox.mailboxId, deleted, 'expunge', ctx.commandContext());
        await ctx.settle(position);
      }
    }
    return { state: { kind: 'authenticated', user: state.user } };
  },
});

export const unselect = command({
  states: ['selected'],
  parse: none,
  run: async (_ctx, state) => ({ state: { kind: 'authenticated', user: state.user } }),
});
