// CREATE, DELETE, RENAME, SUBSCRIBE and UNSUBSCRIBE (RFC 3501 6.3.3-7): changes to the folder
// tree, answered once the account view shows them so the client's next LIST does.
import { DELIMITER, normalizeMailboxName } from '../../../domain/account/names.ts';
import { command, type ImapContext } from '../command.ts';
import { ImapError } from '../errors.ts';
import { AUTHENTICATED } from '../session.ts';

async function settled(ctx: ImapContext): Promise<void> {
  await ctx.settle(await ctx.runtime.storage.events.headPosition());
}

export const create = command({
  states: AUTHENTICATED,
  parse: (args) => args.mailbox(),
  async run(ctx, state, name) {
    // "foo/" asks for a name that will hold children: the same mailbox (RFC 3501 6.3.3).
    const wanted = name.endsWith(DELIMITER) ? name.slice(0, -1) : name;
    await ctx.runtime.mail.createMailbox(state.user.accountId, wanted, ctx.commandContext());
    await settled(ctx);
    return {};
  },
});

export const deleteMailbox = command({
  states: AUTHENTICATED,
  parse: (args) => args.mailbox(),
  async run(ctx, state, name) {
    const canonical = normalizeMailboxName(name);
    // By id, not name: another session may have renamed the selected folder meanwhile.
    const target = ctx.runtime.accounts.mailboxByName(state.user.accountId, canonical);
    if (state.kind === 'selected' && target?.mailboxId === state.mailbox.mailboxId) throw new ImapError('Cannot', 'Close the mailbox before deleting it');
    await ctx.runtime.mail.deleteMailbox(state.user.accountId, canonical, ctx.commandContext());
    await settled(ctx);
    return {};
  },
});

export const rename = command({
  states: AUTHENTICATED,
  parse: (args) => ({ from: args.mailbox(), to: args.mailbox() }),
  async run(ctx, state, { from, to }) {
    await ctx.runtime.mail.renameMailbox(state.user.accountId, from, to, ctx.commandContext());
    await settled(ctx);
    return {};
  },
});

function subscription(subscribed: boolean) {
  return command({
    states: AUTHENTICATED,
    parse: (args) => args.mailbox(),
    async run(ctx, state, name) {
      await ctx.runtime.mail.subscribe(state.user.accountId, name, subscribed, ctx.commandContext());
      await settled(ctx);
      return {};
    },
  });
}

export const subscribe = subscription(true);
export const unsubscribe = subscription(false);
