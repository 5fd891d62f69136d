// STLS (RFC 2595): upgrades a plain-port connection to TLS before login.
import { command, noArguments } from '../command.ts';
import { Pop3Error } from '../errors.ts';

export const STLS = command({
  states: ['authorization'],
  parse: noArguments,
  async run(ctx, state) {
    if (ctx.secure) throw new Pop3Error('TlsActive');
    if (!ctx.canStartTls) throw new Pop3Error('TlsUnavailable');
    await ctx.startTls();
    return state;
  },
});
