// STAT: "+OK count octets" of the messages not marked deleted.
import { command, noArguments } from '../command.ts';
import { ok } from '../responses.ts';

export const STAT = command({
  states: ['transaction'],
  parse: noArguments,
  run(ctx, state) {
    const { count, size } = state.maildrop.stat();
    ctx.send(ok(`${count} ${size}`));
    return state;
  },
});
