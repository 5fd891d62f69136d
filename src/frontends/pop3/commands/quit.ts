// QUIT: in the transaction state, removes the messages marked deleted as one expunge and
// answers +OK only once that is durable; before login it just says goodbye.
import { command, noArguments } from '../command.ts';
import { err, ok } from '../responses.ts';

export const QUIT = command({
  states: ['authorization', 'transaction'],
  parse: noArguments,
  async run(ctx, state) {
    if (state.kind === 'authorization') {
      ctx.send(ok(`${ctx.options.hostname} POP3 server signing off`));
      return { kind: 'update' };
    }
    const uids = state.maildrop.deletedUids();
    try {
      if (uids.length) {
        await ctx.services.expunge(state.maildrop.mailboxId, uids, {
          kind: 'user',
          id: state.accountId,
          protocol: 'pop3',
          address: ctx.clientAddress,
        });
      }
    } catch (error) {
      ctx.log.error({ err: error, uids: uids.length }, 'expunge at QUIT failed');
      ctx.send(err('Some deleted messages not removed; try again later', 'SYS/TEMP'));
      return { kind: 'update' };
    }
    ctx.log.info({ deleted: uids.length }, 'maildrop updated');
    ctx.send(ok(`${ctx.options.hostname} POP3 server signing off (${uids.length} messages deleted)`));
    return { kind: 'update' };
  },
});
