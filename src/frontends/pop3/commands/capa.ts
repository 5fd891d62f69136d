// CAPA (RFC 2449): what this server offers on this connection now. USER and SASL are listed
// only where a password may be sent (TLS or a trusted network); APOP is never offered since
// postlog keeps no cleartext-equivalent secrets.
import { command, noArguments, type Pop3Context } from '../command.ts';
import { multiline } from '../responses.ts';
import type { SessionState } from '../session.ts';
import { MECHANISMS } from './auth.ts';

export function capabilities(ctx: Pop3Context, state: SessionState): string[] {
  const { expire, loginDelay } = ctx.options;
  const caps = ['TOP', 'UIDL', 'RESP-CODES', 'AUTH-RESP-CODE', 'PIPELINING'];
  if (state.kind === 'authorization') {
    if (ctx.services.auth.cleartextAllowed(ctx.clientAddress, ctx.secure)) caps.push('USER', `SASL ${MECHANISMS.join(' ')}`);
    if (ctx.canStartTls && !ctx.secure) caps.push('STLS');
  }
  caps.push(`EXPIRE ${expire}`);
  if (loginDelay > 0) caps.push(`LOGIN-DELAY ${loginDelay}`);
  caps.push('IMPLEMENTATION postlog');
  return caps;
}

export const CAPA = command({
  states: ['authorization', 'transaction'],
  parse: noArguments,
  run(ctx, state) {
    ctx.send(multiline('Capability list follows', capabilities(ctx, state)));
    return state;
  },
});
