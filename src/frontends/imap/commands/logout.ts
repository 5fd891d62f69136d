// LOGOUT (RFC 3501 6.1.3): BYE, then the tagged OK, then the connection closes.
import { command, none } from '../command.ts';
import { ANY_STATE } from '../session.ts';

export const logout = command({
  states: ANY_STATE,
  parse: none,
  async run(ctx) {
    await ctx.untagged('BYE Logging out');
    return { state: { kind: 'logout' } };
  },
});
