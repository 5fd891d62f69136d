// Every refusal the SMTP front-end gives, as a typed error, and the one table that turns it
// (or any other failure) into a reply code with its enhanced status code (RFC 3463, 5248).
import { BlobTooLarge } from '../../store/blob-store.ts';

export type RefusalReason =
  | 'UnknownUser'
  | 'BadAddress'
  | 'RelayDenied'
  | 'SenderNotOwned'
  | 'AuthRequired'
  | 'AuthFailed'
  | 'AuthThrottled'
  | 'EncryptionRequired'
  | 'MessageTooLarge'
  | 'TooManyConnections'
  | 'TooManyRefusals'
  | 'StorageFailure';

type Reply = Readonly<{ code: number; status: string; text: string }>;

export const REPLIES: Readonly<Record<RefusalReason, Reply>> = {
  UnknownUser: { code: 550, status: '5.1.1', text: 'no such user here' },
  BadAddress: { code: 501, status: '5.1.3', text: 'bad address syntax' },
  RelayDenied: { code: 554, status: '5.7.1', text: 'relay access denied' },
  SenderNotOwned: { code: 553, status: '5.7.1', text: 'sender address not owned by the authenticated user' },
  AuthRequired: { code: 530, status: '5.7.0', text: 'authentication required' },
  AuthFailed: { code: 535, status: '5.7.8', text: 'authentication credentials invalid' },
  AuthThrottled: { code: 454, status: '4.7.0', text: 'too many failed logins, try again later' },
  EncryptionRequired: { code: 538, status: '5.7.11', text: 'encryption required: use STARTTLS first' },
  MessageTooLarge: { code: 552, status: '5.3.4', text: 'message exceeds the size limit' },
  TooManyConnections: { code: 421, status: '4.7.0', text: 'too many connections from your address, try again later' },
  TooManyRefusals: { code: 421, status: '4.7.0', text: 'too many refused commands, closing connection' },
  StorageFailure: { code: 451, status: '4.3.0', text: 'temporary local problem, try again later' },
};

/** A refusal this front-end decided on; `detail` replaces the table's text when given. */
export class SmtpRefusal extends Error {
  readonly type = 'SmtpRefusal' as const;
  constructor(
    readonly reason: RefusalReason,
    readonly detail?: string,
  ) {
    super(detail ?? REPLIES[reason].text);
    this.name = 'SmtpRefusal';
  }
}

/** What smtp-server sends: `responseCode`, and a text that starts with the enhanced status. */
export type WireError = Error & { responseCode: number };

export function reasonOf(error: unknown): RefusalReason {
  if (error instanceof SmtpRefusal) return error.reason;
  if (error instanceof BlobTooLarge) return 'MessageTooLarge';
  return 'StorageFailure';
}

/** Any failure as an SMTP reply; an unexpected one is a temporary failure, never its stack. */
export function toWireError(error: unknown): WireError {
  const reason = reasonOf(error);
  const reply = REPLIES[reason];
  const text = error instanceof SmtpRefusal ? error.message : reply.text;
  return Object.assign(new Error(`${reply.status} ${text}`), { responseCode: reply.code });
}

/** Is this failure one we expected (a policy refusal), or one to log as an error? */
export const isExpected = (error: unknown) => reasonOf(error) !== 'StorageFailure';
