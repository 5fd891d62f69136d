// Everything an IMAP command can refuse, as typed errors, and the one table that turns each
// (and each DomainError code) into its tagged response. Anything else is an internal failure:
// NO [SERVERBUG] on the wire with the connection id, a log line, never a stack.
import { DomainError, type DomainErrorCode } from '../../domain/decider.ts';
import { BlobTooLarge } from '../../store/blob-store.ts';
import { BadArguments } from './protocol/args.ts';

export type ImapErrorKind =
  | 'UnknownCommand'
  | 'WrongState'
  | 'NoSuchMailbox'
  | 'TryCreate'
  | 'TooBig'
  | 'ReadOnly'
  | 'BadCharset'
  | 'AuthFailed'
  | 'Cleartext'
  | 'Throttled'
  | 'AuthCancelled'
  | 'UnknownMechanism'
  | 'TlsActive'
  | 'ExpungeIssued'
  | 'Cannot';

export class ImapError extends Error {
  readonly type = 'ImapError' as const;
  constructor(readonly kind: ImapErrorKind, message?: string) {
    super(message ?? TABLE[kind].text);
    this.name = 'ImapError';
  }
}

export type Refusal = Readonly<{
  status: 'NO' | 'BAD';
  code?: string;
  text: string;
  /** counts towards the bad-command limit */
  bad?: boolean;
  /** an unexpected failure: log it */
  internal?: boolean;
}>;

const TABLE: Readonly<Record<ImapErrorKind, Refusal>> = {
  UnknownCommand: { status: 'BAD', text: 'Unknown command', bad: true },
  WrongState: { status: 'BAD', text: 'Command not valid in this state', bad: true },
  NoSuchMailbox: { status: 'NO', code: 'NONEXISTENT', text: 'No such mailbox' },
  TryCreate: { status: 'NO', code: 'TRYCREATE', text: 'No such mailbox; create it first' },
  TooBig: { status: 'NO', code: 'TOOBIG', text: 'Message too large' },
  ReadOnly: { status: 'NO', code: 'READ-ONLY', text: 'Mailbox is read-only (EXAMINE)' },
  BadCharset: { status: 'NO', code: 'BADCHARSET (UTF-8 US-ASCII)', text: 'Unsupported charset' },
  AuthFailed: { status: 'NO', code: 'AUTHENTICATIONFAILED', text: 'Authentication failed' },
  Cleartext: { status: 'NO', code: 'PRIVACYREQUIRED', text: 'Use STARTTLS before sending a password' },
  Throttled: { status: 'NO', code: 'UNAVAILABLE', text: 'Too many failed attempts; try again later' },
  AuthCancelled: { status: 'BAD', text: 'Authentication cancelled' },
  UnknownMechanism: { status: 'NO', code: 'CANNOT', text: 'Unsupported authentication mechanism' },
  TlsActive: { status: 'BAD', text: 'TLS is already active' },
  ExpungeIssued: { status: 'NO', code: 'EXPUNGEISSUED', text: 'Some of the requested messages no longer exist' },
  Cannot: { status: 'NO', code: 'CANNOT', text: 'Not possible' },
};

const DOMAIN: Readonly<Record<DomainErrorCode, Omit<Refusal, 'text'>>> = {
  NotFound: { status: 'NO', code: 'NONEXISTENT' },
  AlreadyExists: { status: 'NO', code: 'ALREADYEXISTS' },
  InvalidName: { status: 'NO', code: 'CANNOT' },
  InvalidArgument: { status: 'BAD' },
  NotAllowed: { status: 'NO', code: 'CANNOT' },
  HasChildren: { status: 'NO', code: 'INUSE' },
  NoSuchMessage: { status: 'NO', code: 'EXPUNGEISSUED' },
  Conflict: { status: 'NO', code: 'INUSE' },
};

export function refusal(error: unknown): Refusal {
  if (error instanceof ImapError) return { ...TABLE[error.kind], text: error.message };
  if (error instanceof BadArguments) return { status: 'BAD', text: error.message, bad: true };
  if (error instanceof DomainError) return { ...DOMAIN[error.code], text: oneLine(error.message) };
  if (error instanceof BlobTooLarge) return TABLE.TooBig;
  return { status: 'NO', code: 'SERVERBUG', text: 'Internal error; try again', internal: true };
}

/** Response text is one line of 7-bit text. */
function oneLine(text: string): string {
  return text.replace(/[\r\n]+/g, ' ').replace(/[^\x20-\x7e]/g, '?');
}
