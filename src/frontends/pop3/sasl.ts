// SASL PLAIN (RFC 4616) and LOGIN messages, decoded. Pure; the exchange itself is in commands/auth.ts.
import { Pop3Error } from './errors.ts';

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** A client's base64 response; "=" is the empty response (RFC 5034 initial response). */
export function decodeResponse(text: string): string {
  if (text === '=') return '';
  if (!BASE64.test(text)) throw new Pop3Error('Syntax', 'Invalid base64 in SASL response');
  return Buffer.from(text, 'base64').toString('utf8');
}

export function encodeChallenge(text: string): string {
  return Buffer.from(text, 'utf8').toString('base64');
}

/** authzid NUL authcid NUL passwd; acting for another user (authzid) is not offered. */
export function parsePlain(message: string): { username: string; password: string } {
  const parts = message.split('\u0000');
  if (parts.length !== 3) throw new Pop3Error('Syntax', 'Malformed PLAIN response');
  const [authzid, username, password] = parts as [string, string, string];
  if (!username) throw new Pop3Error('Syntax', 'Malformed PLAIN response');
  if (authzid && authzid !== username) throw new Pop3Error('AuthFailed', 'Authorization identity not permitted');
  return { username, password };
}
