// RETR msg: the whole message, streamed from the blob store and dot-stuffed on the way.
import { command, oneMessage } from '../command.ts';
import { ok } from '../responses.ts';

export const RETR = command({
  states: ['transaction'],
  parse: oneMessage,
  async run(ctx, state, number) {
    const m = state.maildrop.get(number);
    await ctx.sendMessage(ok(`${m.size} octets`), m.blobId);
    state.maildrop.markRetrieved(number);
    return state;
  },
});
