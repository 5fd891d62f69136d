// Logins to mail sessions (IMAP, POP3, SMTP AUTH), one `logins-<accountId>` stream per account:
// who signed in, over what, from where, and refused attempts on an existing account, so
// `postlog audit` answers "who read this mailbox, and from where" from the log itself.
// LDAP binds (an address book asks on every lookup) stay log lines.
import type { DomainEvent } from '../event.ts';

export type LoginData = {
  accountId: string;
  /** the account's address */
  address: string;
  protocol: 'imap' | 'pop3' | 'smtp';
  /** PLAIN, LOGIN (SASL) or USER (POP3 USER/PASS, IMAP LOGIN) */
  mechanism: string;
  clientAddress: string;
  /** the connection was TLS */
  secure: boolean;
};

export type LoggedIn = DomainEvent<'LoggedIn', LoginData>;

/** A wrong password or a disabled account; attempts the throttle refuses before checking are not recorded. */
export type LoginRefused = DomainEvent<'LoginRefused', LoginData & { reason: 'invalid' | 'disabled' }>;

export type LoginEvent = LoggedIn | LoginRefused;

export const LOGIN_EVENT_TYPES: readonly LoginEvent['type'][] = ['LoggedIn', 'LoginRefused'];

export const loginStream = (accountId: string) => `logins-${accountId}`;
