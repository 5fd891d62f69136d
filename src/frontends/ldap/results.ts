// LDAP result codes (RFC 4511, appendix A) and the one table that maps refusals onto them.
import type { AuthResult } from '../../domain/directory/ports.ts';

export const RESULT = {
  success: 0,
  operationsError: 1,
  protocolError: 2,
  timeLimitExceeded: 3,
  sizeLimitExceeded: 4,
  compareFalse: 5,
  compareTrue: 6,
  authMethodNotSupported: 7,
  adminLimitExceeded: 11,
  confidentialityRequired: 13,
  noSuchObject: 32,
  invalidDnSyntax: 34,
  invalidCredentials: 49,
  insufficientAccessRights: 50,
  busy: 51,
  unwillingToPerform: 53,
  other: 80,
} as const;

export type ResultName = keyof typeof RESULT;

/** An operation refused for a reason the client is told (the result code and a diagnostic). */
export class LdapRefusal extends Error {
  readonly type = 'LdapRefusal' as const;
  constructor(
    readonly result: ResultName,
    message: string,
    readonly matchedDN = '',
  ) {
    super(message);
    this.name = 'LdapRefusal';
  }
}

/** What a failed bind answers for each reason the authenticator gives. */
export const BIND_REFUSALS: Readonly<Record<Extract<AuthResult, { ok: false }>['reason'], LdapRefusal>> = {
  invalid: new LdapRefusal('invalidCredentials', 'invalid credentials'),
  disabled: new LdapRefusal('invalidCredentials', 'account disabled'),
  throttled: new LdapRefusal('busy', 'too many failed attempts: try again later'),
  cleartext: new LdapRefusal('confidentialityRequired', 'a password in clear needs TLS: use StartTLS or ldaps'),
};
