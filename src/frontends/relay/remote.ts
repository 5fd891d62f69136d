// One SMTP client connection to a remote server (an MX or the smarthost), through nodemailer's
// SMTPConnection: opened once, then used for several messages in turn. Every outcome is per
// recipient, with the remote's own reply, so the queue records exactly what the other side said.
import type { Readable } from 'node:stream';
import SMTPConnection from 'nodemailer/lib/smtp-connection';
import type { Logger } from 'pino';
import { libraryLogger } from '../smtp/logger.ts';

export type RemoteOptions = Readonly<{
  /** what to connect to: an address, or a name the system resolver knows (smarthost) */
  host: string;
  port: number;
  /** the name the certificate should carry (the MX or smarthost name), for SNI */
  servername?: string;
  /** our name, in EHLO */
  hostname: string;
  /** refuse to send unless STARTTLS succeeds */
  requireTls: boolean;
  /** check the server's certificate (opportunistic TLS to an MX does not) */
  verifyCertificate: boolean;
  auth?: Readonly<{ user: string; password: string }>;
  /** milliseconds */
  connectTimeout: number;
  commandTimeout: number;
  logger: Logger;
}>;

export type RecipientOutcome =
  | { address: string; outcome: 'delivered'; reply: string }
  | { address: string; outcome: 'deferred' | 'failed'; reason: string; reply?: string };

/** The connection could not be set up (refused, timed out, bad greeting, TLS or login failed):
 * a temporary failure for every recipient waiting for it. */
export class RemoteError extends Error {
  readonly type = 'RemoteError' as const;
  constructor(
    message: string,
    readonly reply?: string,
  ) {
    super(message);
    this.name = 'RemoteError';
  }
}

type NodemailerError = Error & { code?: string; response?: string; responseCode?: number; rejectedErrors?: NodemailerError[]; recipient?: string };

const firstLine = (s: string | undefined) => s?.split(/\r?\n/)[0]?.slice(0, 500);

/** A reply, or the failure it stands for, as a recipient's outcome: 5xx is permanent, anything else is not. */
function outcomeOf(address: string, error: NodemailerError): RecipientOutcome {
  const reply = firstLine(error.response);
  const code = error.responseCode;
  const reason = describe(error);
  if (code && code >= 500 && code < 600) return { address, outcome: 'failed', reason, ...(reply && { reply }) };
  return { address, outcome: 'deferred', reason, ...(reply && { reply }) };
}

/** What went wrong, in a line a mail admin would read. */
export function describe(error: NodemailerError): string {
  const reply = firstLine(error.response);
  switch (error.code) {
    case 'ETIMEDOUT':
      return `timed out: ${error.message}`;
    case 'EPROTOCOL':
      return `malformed reply from the remote server: ${reply ?? error.message}`;
    case 'ETLS':
      return `TLS failed: ${error.message}`;
    case 'EAUTH':
      return `authentication refused: ${reply ?? error.message}`;
    default:
      return reply ? `remote replied ${reply}` : error.message;
  }
}

/** nodemailer's lines ("connection established", "upgraded with STARTTLS") are debug detail:
 * the relay logs each attempt's outcome itself. */
function clientLogger(logger: Logger): SMTPConnection.Options['logger'] {
  const lines = libraryLogger(logger);
  return { ...lines, info: lines.debug } as unknown as SMTPConnection.Options['logger'];
}

export class RemoteSession {
  private constructor(
    private readonly connection: SMTPConnection,
    readonly host: string,
  ) {}

  /** Connects, says EHLO, upgrades with STARTTLS when offered (or required), signs in when configured. */
  static open(options: RemoteOptions): Promise<RemoteSession> {
    const connection = new SMTPConnection({
      host: options.host,
      port: options.port,
      name: options.hostname,
      ...(options.servername && { servername: options.servername }),
      secure: false,
      requireTLS: options.requireTls,
      opportunisticTLS: !options.requireTls,
      tls: { rejectUnauthorized: options.verifyCertificate },
      connectionTimeout: options.connectTimeout,
      greetingTimeout: options.commandTimeout,
      socketTimeout: options.commandTimeout,
      allowInternalNetworkInterfaces: true,
      logger: clientLogger(options.logger),
    });
    return new Promise((resolve, reject) => {
      let settled = false;
      const fail = (error: NodemailerError) => {
        if (settled) return;
        settled = true;
        connection.close();
        reject(new RemoteError(describe(error), firstLine(error.response)));
      };
      connection.once('error', fail);
      connection.connect((error) => {
        if (error) return fail(error);
        const ready = () => {
          if (settled) return;
          settled = true;
          connection.removeListener('error', fail);
          // errors after this point reach the caller through send()
          connection.on('error', () => {});
          resolve(new RemoteSession(connection, options.servername ?? options.host));
        };
        if (!options.auth) return ready();
        connection.login({ user: options.auth.user, pass: options.auth.password }, (err) => (err ? fail(err) : ready()));
      });
    });
  }

  /** Whether the session is encrypted (STARTTLS done). */
  get secure(): boolean {
    return this.connection.secure;
  }

  get usable(): boolean {
    return !this.connection.destroyed;
  }

  /**
   * Sends one message; resolves with an outcome for every recipient, whatever happened. After a
   * refusal the session is reset (RSET) and stays usable; after a broken connection it is not.
   */
  send(mailFrom: string, recipients: readonly string[], message: Readable | Buffer, size: number): Promise<RecipientOutcome[]> {
    return new Promise((resolve) => {
      // BODY=8BITMIME when the server offers it: stored mail may carry 8-bit text as it came
      this.connection.send({ from: mailFrom === '' ? false : mailFrom, to: [...recipients], size, use8BitMime: true }, message, (error, info) => {
        if (error) return void this.refused(recipients, error as NodemailerError).then(resolve);
        const reply = firstLine(info!.response) ?? '250';
        const rejected = new Map((info!.rejectedErrors ?? []).map((e) => [(e as NodemailerError).recipient, e as NodemailerError]));
        resolve(
          recipients.map((address) => {
            const refusal = rejected.get(address);
            return refusal ? outcomeOf(address, refusal) : { address, outcome: 'delivered', reply };
          }),
        );
      });
    });
  }

  private async refused(recipients: readonly string[], error: NodemailerError): Promise<RecipientOutcome[]> {
    const perRecipient = new Map((error.rejectedErrors ?? []).map((e) => [e.recipient, e]));
    const outcomes = recipients.map((address) => outcomeOf(address, perRecipient.get(address) ?? error));
    const refusal = (error.code === 'EENVELOPE' || error.code === 'EMESSAGE') && error.responseCode !== 421;
    if (refusal && !this.connection.destroyed) {
      await new Promise<void>((done) => this.connection.reset((err) => (err && this.connection.close(), done())));
    } else this.connection.close();
    return outcomes;
  }

  close(): void {
    if (this.connection.destroyed) return;
    this.connection.quit();
    // a server that does not answer QUIT does not keep the socket open
    setTimeout(() => this.connection.close(), 1000).unref();
  }
}
