// STARTTLS (RFC 3501 6.2.1): only on the plain port, only before login.
import { command, none } from '../command.ts';
import { ImapError } from '../errors.ts';

export const starttls = command({
  states: ['notAuthenticated'],
  parse: none,
  async run(ctx) {
    if (!ctx.canStartTls) throw new ImapError('TlsActive');
    await ctx.startTls();
    return { answered: true };
  },
});
