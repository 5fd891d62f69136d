// AUTHENTICATE PLAIN and LOGIN (RFC 3501 6.2.2, RFC 4616), with an initial response (SASL-IR,
// RFC 4959). "*" cancels.
import { command } from '../command.ts';
import { ImapError } from '../errors.ts';
import { bad } from '../protocol/args.ts';
import { logIn } from './login.ts';

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

function decode(text: string): string {
  if (text === '=') return '';
  if (!BASE64.test(text)) bad('Invalid base64 in SASL response');
  return Buffer.from(text, 'base64').toString('utf8');
}

export const authenticate = command({
  states: ['notAuthenticated'],
  parse: (args) => ({
    mechanism: args.atom('a SASL mechanism').toUpperCase(),
    initial: args.remaining > 0 ? args.atom('an initial response') : undefined,
  }),
  async run(ctx, _state, { mechanism, initial }) {
    if (mechanism !== 'PLAIN' && mechanism !== 'LOGIN') throw new ImapError('UnknownMechanism');
    if (!ctx.runtime.auth.cleartextAllowed(ctx.clientAddress, ctx.secure)) throw new ImapError('Cleartext');
    const ask = async (challenge: string): Promise<string> => {
      await ctx.continuation(Buffer.from(challenge).toString('base64'));
      const line = await ctx.readLine();
      if (line === null || line === '*') throw new ImapError('AuthCancelled');
      return decode(line.trim());
    };
    if (mechanism === 'PLAIN') {
      const message = initial !== undefined ? decode(initial) : await ask('');
      const parts = message.split('\u0000');
      if (parts.length !== 3 || !parts[1]) bad('Malformed PLAIN response');
      const [authzid, username, password] = parts as [string, string, string];
      // Acting for another user (authzid) is not offered.
      if (authzid && authzid !== username) throw new ImapError('AuthFailed');
      return logIn(ctx, username, password, 'PLAIN');
    }
    const username = initial !== undefined ? decode(initial) : await ask('Username:');
    const password = await ask('Password:');
    return logIn(ctx, username, password, 'LOGIN');
  },
});
