// CAPABILITY (RFC 3501 6.1.1).
import { command, none } from '../command.ts';
import { ANY_STATE } from '../session.ts';

export const capability = command({
  states: ANY_STATE,
  parse: none,
  async run(ctx) {
    await ctx.untagged(`CAPABILITY ${ctx.capabilities()}`);
    return {};
  },
});
