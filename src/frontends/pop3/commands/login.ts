// The one way into the transaction state, for USER/PASS and every SASL mechanism: the
// directory's Authenticator decides, then this node's maildrop lock, then the INBOX snapshot.
import type { AuthRequest } from '../../../domain/directory/ports.ts';
import type { Pop3Context } from '../command.ts';
import { Pop3Error } from '../errors.ts';
import { ok } from '../responses.ts';
import type { Maildrop, Transaction } from '../session.ts';

type Credentials = Pick<AuthRequest, 'mechanism' | 'username' | 'password'>;

const REFUSED = { invalid: 'AuthFailed', disabled: 'AccountDisabled', throttled: 'Throttled', cleartext: 'CleartextRefused' } as const;

/** Refuses before any password is sent when this connection may not send one in clear. */
export function requireCleartextAllowed(ctx: Pop3Context): void {
  if (!ctx.services.auth.cleartextAllowed(ctx.clientAddress, ctx.secure)) throw new Pop3Error('CleartextRefused');
}

export async function login(ctx: Pop3Context, credentials: Credentials): Promise<Transaction> {
  requireCleartextAllowed(ctx);
  const result = await ctx.services.auth.authenticate({
    protocol: 'pop3',
    clientAddress: ctx.clientAddress,
    secure: ctx.secure,
    ...credentials,
  });
  if (!result.ok) {
    ctx.log.info({ mechanism: credentials.mechanism, reason: result.reason }, 'authentication refused');
    throw new Pop3Error(REFUSED[result.reason]);
  }
  const release = ctx.claimMaildrop(result.accountId, result.address);
  let maildrop: Maildrop;
  try {
    maildrop = await ctx.services.maildrop(result.accountId);
  } catch (error) {
    release(); // no session without a maildrop: another login may try again at once
    throw error;
  }
  const { count, size } = maildrop.stat();
  ctx.log.info({ mechanism: credentials.mechanism, messages: count }, 'logged in');
  ctx.send(ok(`Logged in; maildrop has ${count} messages (${size} octets)`));
  return { kind: 'transaction', accountId: result.accountId, address: result.address, maildrop };
}
