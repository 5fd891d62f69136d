// What protocol front-ends need of the directory: authentication under one set of rules, and
// where mail for an address goes. The directory's own issue implements these; front-ends code
// against them and get an implementation from the runtime.

export type Protocol = 'smtp' | 'imap' | 'pop3' | 'ldap';

export type AuthRequest = Readonly<{
  protocol: Protocol;
  /** peer IP address */
  clientAddress: string;
  /** true once the connection is TLS (implicit or after STARTTLS) */
  secure: boolean;
  /** PLAIN, LOGIN (SASL) or USER (POP3 USER/PASS, IMAP LOGIN, LDAP simple bind) */
  mechanism: 'PLAIN' | 'LOGIN' | 'USER';
  /** an address (or login name) */
  username: string;
  /** never logged */
  password: string;
}>;

export type AuthResult =
  | Readonly<{ ok: true; accountId: string; address: string }>
  | Readonly<{
      ok: false;
      /** invalid: wrong name or password; disabled: account disabled; throttled: too many failures,
       * try later; cleartext: password in clear refused on this connection */
      reason: 'invalid' | 'disabled' | 'throttled' | 'cleartext';
    }>;

export interface Authenticator {
  /** May this connection send a password in clear? (TLS, or a trusted network) */
  cleartextAllowed(clientAddress: string, secure: boolean): boolean;
  /** Verifies, applying the growing delay after failures before it answers; logs the attempt. */
  authenticate(request: AuthRequest): Promise<AuthResult>;
}

export type Recipient =
  /** deliver to these accounts (aliases and groups expanded, +tag removed) */
  | Readonly<{ kind: 'local'; accountIds: readonly string[] }>
  /** a local domain, but no such user, alias or group */
  | Readonly<{ kind: 'unknown' }>
  /** not one of our domains */
  | Readonly<{ kind: 'remote' }>;

export interface RecipientResolver {
  resolve(address: string): Promise<Recipient>;
  /** addresses an account may use as sender (its own and its aliases) */
  addressesOf(accountId: string): Promise<readonly string[]>;
}
