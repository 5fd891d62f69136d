// DELE msg: marks the message; it is removed only when the session ends with QUIT.
import { command, oneMessage } from '../command.ts';
import { ok } from '../responses.ts';

export const DELE = command({
  states: ['transaction'],
  parse: oneMessage,
  run(ctx, state, number) {
    state.maildrop.markDeleted(number);
    ctx.send(ok(`Message ${number} deleted`));
    return state;
  },
});
