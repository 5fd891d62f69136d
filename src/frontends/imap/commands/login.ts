// LOGIN (RFC 3501 6.2.3), and the one place a password is checked for IMAP (AUTHENTICATE
// comes here too). The directory's Authenticator applies delays and logs attempts.
import type { AuthRequest } from '../../../domain/directory/ports.ts';
import { command, type ImapContext, type Outcome } from '../command.ts';
import { ImapError } from '../errors.ts';

export async function logIn(ctx: ImapContext, username: string, password: string, mechanism: AuthRequest['mechanism']): Promise<Outcome> {
  if (!ctx.runtime.auth.cleartextAllowed(ctx.clientAddress, ctx.secure)) throw new ImapError('Cleartext');
  const result = await ctx.runtime.auth.authenticate({
    protocol: 'imap',
    clientAddress: ctx.clientAddress,
    secure: ctx.secure,
    mechanism,
    username,
    password,
  });
  if (!result.ok) {
    if (result.reason === 'throttled') throw new ImapError('Throttled');
    if (result.reason === 'cleartext') throw new ImapError('Cleartext');
    throw new ImapError('AuthFailed');
  }
  const state = { kind: 'authenticated', user: { accountId: result.accountId, address: result.address } } as const;
  return { state, text: 'Logged in' };
}

export const login = command({
  states: ['notAuthenticated'],
  parse: (args) => ({ username: args.astring('a user name'), password: args.astring('a password') }),
  run: (ctx, _state, { username, password }) => logIn(ctx, username, password, 'USER'),
});
