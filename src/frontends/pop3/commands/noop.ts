// NOOP: nothing, positively.
import { command, noArguments } from '../command.ts';
import { ok } from '../responses.ts';

export const NOOP = command({
  states: ['transaction'],
  parse: noArguments,
  run(ctx, state) {
    ctx.send(ok());
    return state;
  },
});
