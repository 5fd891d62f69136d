// AUTH mechanism [initial-response] (RFC 5034) with PLAIN and LOGIN; the client's next lines
// go to continueSasl until the exchange ends. "*" cancels.
import { command, words, type Pop3Context } from '../command.ts';
import { Pop3Error } from '../errors.ts';
import { challenge, multiline } from '../responses.ts';
import { decodeResponse, encodeChallenge, parsePlain } from '../sasl.ts';
import type { Authorization, SessionState } from '../session.ts';
import { login, requireCleartextAllowed } from './login.ts';

export const MECHANISMS = ['PLAIN', 'LOGIN'] as const;

export const AUTH = command({
  states: ['authorization'],
  parse(args) {
    const w = words(args);
    if (w.length > 2) throw new Pop3Error('Syntax', 'Expected a mechanism and an optional initial response');
    return { mechanism: w[0]?.toUpperCase(), initial: w[1] };
  },
  async run(ctx, _state, { mechanism, initial }): Promise<SessionState> {
    if (mechanism === undefined) {
      // Listing mechanisms with a bare AUTH predates CAPA; some clients still ask this way.
      ctx.send(multiline('Supported mechanisms follow', MECHANISMS));
      return { kind: 'authorization' };
    }
    requireCleartextAllowed(ctx);
    if (mechanism === 'PLAIN') {
      if (initial === undefined) return ask(ctx, { kind: 'authorization', sasl: { mechanism: 'PLAIN' } }, '');
      return login(ctx, { mechanism: 'PLAIN', ...parsePlain(decodeResponse(initial)) });
    }
    if (mechanism === 'LOGIN') {
      if (initial === undefined) return ask(ctx, { kind: 'authorization', sasl: { mechanism: 'LOGIN' } }, 'Username:');
      return ask(ctx, { kind: 'authorization', sasl: { mechanism: 'LOGIN', username: decodeResponse(initial) } }, 'Password:');
    }
    throw new Pop3Error('UnknownMechanism');
  },
});

function ask(ctx: Pop3Context, next: Authorization, prompt: string): Authorization {
  ctx.send(challenge(prompt ? encodeChallenge(prompt) : ''));
  return next;
}

/** The client's answer to a challenge. Errors end the exchange (the session stays in authorization). */
export async function continueSasl(ctx: Pop3Context, state: Authorization, line: string): Promise<SessionState> {
  const sasl = state.sasl;
  if (!sasl) throw new Error('no SASL exchange in progress');
  if (line === '*') throw new Pop3Error('AuthCancelled');
  const answer = decodeResponse(line);
  if (sasl.mechanism === 'PLAIN') return login(ctx, { mechanism: 'PLAIN', ...parsePlain(answer) });
  if (sasl.username === undefined) return ask(ctx, { kind: 'authorization', sasl: { mechanism: 'LOGIN', username: answer } }, 'Password:');
  return login(ctx, { mechanism: 'LOGIN', username: sasl.username, password: answer });
}
