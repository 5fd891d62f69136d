// RSET: unmarks every message marked deleted in this session.
import { command, noArguments } from '../command.ts';
import { ok } from '../responses.ts';

export const RSET = command({
  states: ['transaction'],
  parse: noArguments,
  run(ctx, state) {
    state.maildrop.reset();
    const { count, size } = state.maildrop.stat();
    ctx.send(ok(`Maildrop has ${count} messages (${size} octets)`));
    return state;
  },
});
