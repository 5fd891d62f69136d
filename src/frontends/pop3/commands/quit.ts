// QUIT: in the transaction state, removes the messages marked deleted as one expunge and
// answers +OK only once that is durable, then marks what RETR sent \Seen (config
// pop3.seenOnRetrieve); before login it just says goodbye.
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
    const actor = { kind: 'user' as const, id: state.accountId, protocol: 'pop3', address: ctx.clientAddress };
    try {
      if (uids.length) await ctx.services.expunge(state.maildrop.mailboxId, uids, actor);
    } catch (error) {
      ctx.log.error({ err: error, uids: uids.length }, 'expunge at QUIT failed');
      ctx.send(err('Some deleted messages not removed; try again later', 'SYS/TEMP'));
      return { kind: 'update' };
    }
    const read = ctx.options.seenOnRetrieve ? state.maildrop.retrievedUids() : [];
    try {
      if (read.length) await ctx.services.markSeen(state.maildrop.mailboxId, read, actor);
    } catch (error) {
      // The deletions are done; a read flag left unset is no reason to report them failed.
      ctx.log.warn({ err: error, uids: read.length }, 'marking retrieved messages seen at QUIT failed');
    }
    ctx.log.info({ deleted: uids.length, seen: read.length }, 'maildrop updated');
    ctx.send(ok(`${ctx.options.hostname} POP3 server signing off (${uids.length} messages deleted)`));
    return { kind: 'update' };
  },
});
