// Everything a POP3 command can refuse, as typed errors, and the one table that turns each
// into its -ERR line. Anything else is an internal failure: [SYS/TEMP] on the wire, a log line
// with the connection id, never a stack.
import { DomainError, type DomainErrorCode } from '../../domain/decider.ts';
import { err, type ResponseCode } from './responses.ts';

export type Pop3ErrorType =
  | 'UnknownCommand'
  | 'WrongState'
  | 'Syntax'
  | 'LineTooLong'
  | 'NoSuchMessage'
  | 'MessageDeleted'
  | 'AuthFailed'
  | 'AccountDisabled'
  | 'CleartextRefused'
  | 'Throttled'
  | 'InUse'
  | 'LoginDelay'
  | 'AuthCancelled'
  | 'UnknownMechanism'
  | 'TlsActive'
  | 'TlsUnavailable'
  | 'Unavailable';

export class Pop3Error extends Error {
  readonly type = 'Pop3Error' as const;
  constructor(readonly kind: Pop3ErrorType, message?: string) {
    super(message ?? TABLE[kind].text);
    this.name = 'Pop3Error';
  }
}

type Mapping = Readonly<{ code?: ResponseCode; text: string; /** counts towards the bad-command limit */ bad?: boolean }>;

const TABLE: Readonly<Record<Pop3ErrorType, Mapping>> = {
  UnknownCommand: { text: 'Unknown command', bad: true },
  WrongState: { text: 'Command not valid in this state', bad: true },
  Syntax: { text: 'Syntax error', bad: true },
  LineTooLong: { text: 'Line too long', bad: true },
  NoSuchMessage: { text: 'No such message' },
  MessageDeleted: { text: 'Message is deleted' },
  AuthFailed: { code: 'AUTH', text: 'Authentication failed' },
  AccountDisabled: { code: 'SYS/PERM', text: 'Account disabled; contact your administrator' },
  CleartextRefused: { code: 'AUTH', text: 'Plaintext authentication disallowed before STLS' },
  Throttled: { code: 'SYS/TEMP', text: 'Too many failed attempts; try again later' },
  InUse: { code: 'IN-USE', text: 'Maildrop is locked by another POP3 session' },
  LoginDelay: { code: 'LOGIN-DELAY', text: 'Logged in too recently; try again later' },
  AuthCancelled: { text: 'Authentication cancelled' },
  UnknownMechanism: { text: 'Unsupported authentication mechanism', bad: true },
  TlsActive: { text: 'TLS is already active', bad: true },
  TlsUnavailable: { text: 'STLS is not available here', bad: true },
  Unavailable: { code: 'SYS/TEMP', text: 'Temporary failure; try again later' },
};

/** How DomainErrors read to a POP3 client (a maildrop never asks for most of them). */
const DOMAIN: Readonly<Record<DomainErrorCode, Pop3ErrorType>> = {
  NotFound: 'Unavailable',
  AlreadyExists: 'Unavailable',
  InvalidName: 'Syntax',
  InvalidArgument: 'Syntax',
  NotAllowed: 'AuthFailed',
  HasChildren: 'Unavailable',
  NoSuchMessage: 'NoSuchMessage',
  Conflict: 'Unavailable',
};

export type Refusal = Readonly<{ line: string; bad: boolean; internal: boolean }>;

/** The -ERR line for any error a command threw. */
export function refusal(error: unknown): Refusal {
  if (error instanceof Pop3Error) {
    const m = TABLE[error.kind];
    return { line: err(error.message, m.code), bad: m.bad ?? false, internal: false };
  }
  if (error instanceof DomainError) {
    const m = TABLE[DOMAIN[error.code]];
    return { line: err(m.text, m.code), bad: false, internal: m.code === 'SYS/TEMP' };
  }
  return { line: err(TABLE.Unavailable.text, 'SYS/TEMP'), bad: false, internal: true };
}
