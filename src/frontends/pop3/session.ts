// The state of a POP3 session (RFC 1939 section 3) as a tagged union: a maildrop exists only
// in the transaction state, so a command cannot reach one before login.
import { Pop3Error } from './errors.ts';

/** A SASL exchange waiting for the client's next line (RFC 5034). */
export type SaslPending =
  | Readonly<{ mechanism: 'PLAIN' }>
  | Readonly<{ mechanism: 'LOGIN'; username?: string }>;

export type Authorization = Readonly<{
  kind: 'authorization';
  /** name given by USER, waiting for PASS */
  user?: string;
  sasl?: SaslPending;
}>;

export type Transaction = Readonly<{
  kind: 'transaction';
  accountId: string;
  address: string;
  maildrop: Maildrop;
}>;

export type Update = Readonly<{ kind: 'update' }>;

export type SessionState = Authorization | Transaction | Update;
export type StateName = SessionState['kind'];

export type MaildropMessage = Readonly<{
  /** message number, 1-based, fixed for the session */
  number: number;
  uid: number;
  uidl: string;
  size: number;
  blobId: string;
}>;

/** The INBOX as it was at login; DELE marks, RSET unmarks, nothing changes until QUIT. */
export class Maildrop {
  private readonly deleted = new Set<number>();
  /** messages sent whole by RETR (RSET leaves them: they were read) */
  private readonly retrieved = new Set<number>();

  constructor(
    readonly mailboxId: string,
    readonly messages: readonly MaildropMessage[],
  ) {}

  /** the message, unless it does not exist or is marked deleted */
  get(number: number): MaildropMessage {
    const message = this.messages[number - 1];
    if (!message) throw new Pop3Error('NoSuchMessage', `No message ${number}`);
    if (this.deleted.has(number)) throw new Pop3Error('MessageDeleted', `Message ${number} is deleted`);
    return message;
  }

  /** messages not marked deleted, in order */
  live(): MaildropMessage[] {
    return this.messages.filter((m) => !this.deleted.has(m.number));
  }

  stat(): { count: number; size: number } {
    let size = 0;
    const live = this.live();
    for (const m of live) size += m.size;
    return { count: live.length, size };
  }

  markDeleted(number: number): void {
    this.get(number);
    this.deleted.add(number);
  }

  /** unmarks everything; returns how many were marked */
  reset(): number {
    const n = this.deleted.size;
    this.deleted.clear();
    return n;
  }

  /** UIDs of the messages marked deleted, for the expunge at QUIT */
  deletedUids(): number[] {
    return [...this.deleted].map((n) => this.messages[n - 1]!.uid);
  }

  markRetrieved(number: number): void {
    this.retrieved.add(number);
  }

  /** UIDs of the messages retrieved and not deleted, for \Seen at QUIT */
  retrievedUids(): number[] {
    return [...this.retrieved].filter((n) => !this.deleted.has(n)).map((n) => this.messages[n - 1]!.uid);
  }
}
