// One POP3 connection: owns the socket (plain, STLS-upgraded or implicit TLS), the idle
// timer, the order of pipelined commands, the bad-command count and the maildrop lock. Every
// cross-cutting rule is applied here once; commands only see a Pop3Context.
import { randomBytes } from 'node:crypto';
import type { Socket } from 'node:net';
import type { SecureContext } from 'node:tls';
import type { Logger } from 'pino';
import type { Pop3Context, Pop3Options, Pop3Services } from './command.ts';
import { COMMANDS } from './commands/index.ts';
import { continueSasl } from './commands/auth.ts';
import { Pop3Error, refusal } from './errors.ts';
import { LineParser, type Line } from './line-parser.ts';
import type { MaildropLocks } from './locks.ts';
import { DotStuffer, TopFilter } from './message-stream.ts';
import { drained } from '../drained.ts';
import { err, ok } from './responses.ts';
import type { SessionState } from './session.ts';
import { plainAddress } from '../directory/networks.ts';
import { upgradeToTls, watchSocket, type SocketHandlers } from '../socket-watch.ts';

/** RFC 2449: a command line is at most 255 octets with its CRLF. */
const COMMAND_OCTETS = 255;
/** SASL responses may be longer than commands (RFC 5034). */
const SASL_OCTETS = 8192;
/** stop reading from a client that pipelines this many commands ahead */
const MAX_QUEUED = 64;

export type ConnectionEnv = Readonly<{
  services: Pop3Services;
  options: Pop3Options;
  /** the front-end's logger ({proto: 'pop3'}) */
  logger: Logger;
  locks: MaildropLocks;
  /** for STLS; absent on the implicit-TLS port */
  startTls?: SecureContext;
}>;

export class Pop3Connection implements Pop3Context {
  readonly cid = randomBytes(6).toString('base64url');
  readonly clientAddress: string;
  readonly services: Pop3Services;
  readonly options: Pop3Options;
  readonly canStartTls: boolean;
  log: Logger;
  secure: boolean;
  /** resolves once the socket has closed and the lock is released */
  readonly closed: Promise<void>;

  private socket: Socket;
  private state: SessionState = { kind: 'authorization' };
  private readonly parser = new LineParser(SASL_OCTETS);
  private readonly queue: Line[] = [];
  private busy = false;
  private ended = false;
  private badCommands = 0;
  private lockedAccount: string | undefined;
  private corked = false;
  private markClosed!: () => void;
  private unwatchSocket: () => void = () => {};

  constructor(socket: Socket, private readonly env: ConnectionEnv, secure: boolean) {
    this.socket = socket;
    this.secure = secure;
    this.clientAddress = plainAddress(socket.remoteAddress ?? 'unknown');
    this.services = env.services;
    this.options = env.options;
    this.canStartTls = !secure && env.startTls !== undefined;
    this.log = env.logger.child({ cid: this.cid });
    this.closed = new Promise((resolve) => (this.markClosed = resolve));
  }

  start(): void {
    this.unwatchSocket = watchSocket(this.socket, this.handlers, this.options.idleTimeoutMs);
    this.log.info({ client: this.clientAddress, secure: this.secure }, 'connected');
    this.send(ok(`${this.options.hostname} POP3 server ready`));
  }

  /** Server shutdown: drops the connection; nothing marked deleted is removed. */
  destroy(): void {
    this.ended = true;
    this.socket.destroy();
  }

  // --- Pop3Context ---------------------------------------------------------------------------

  send(response: string): void {
    if (this.socket.writable) this.socket.write(response);
  }

  async sendMessage(first: string, blobId: string, topLines?: number): Promise<void> {
    const source = this.services.message(blobId);
    const chunks: AsyncIterator<Uint8Array> = source[Symbol.asyncIterator]();
    // The first read finds a missing or unreadable blob while an -ERR can still be sent.
    let next = await chunks.next().catch((error: unknown) => {
      source.destroy();
      throw error;
    });
    const top = topLines === undefined ? undefined : new TopFilter(topLines);
    const stuffer = new DotStuffer();
    // The status line, the message and the "." leave in as few packets as the socket allows.
    this.corked = true;
    this.socket.cork();
    this.send(first);
    try {
      while (!next.done && !this.ended) {
        const bytes = Buffer.isBuffer(next.value) ? next.value : Buffer.from(next.value.buffer, next.value.byteOffset, next.value.byteLength);
        const chunk = top ? top.push(bytes) : bytes;
        if (chunk.length) await this.write(stuffer.push(chunk));
        if (top?.done) break;
        next = await chunks.next();
      }
      this.socket.write(stuffer.end());
    } catch (error) {
      // Past the +OK there is no way to say so in POP3: drop the connection rather than end the
      // message early and let the client keep a truncated copy.
      this.log.error({ err: error, blobId }, 'message stream failed after +OK; closing the connection');
      this.destroy();
    } finally {
      source.destroy();
      this.uncork();
    }
  }

  async startTls(): Promise<void> {
    const context = this.env.startTls;
    if (!context || this.secure) throw new Pop3Error('TlsUnavailable');
    this.send(ok('Begin TLS negotiation now'));
    // Nothing the client sent in clear after STLS may be acted on (command injection).
    this.queue.length = 0;
    this.parser.reset();
    const upgraded = upgradeToTls(this.socket, this.unwatchSocket, context, this.handlers, this.options.idleTimeoutMs);
    this.socket = upgraded.socket;
    this.unwatchSocket = upgraded.unwatch;
    this.secure = await upgraded.secured;
    if (this.secure) this.log.debug({ protocol: upgraded.socket.getProtocol() }, 'STLS done');
  }

  claimMaildrop(accountId: string, address: string): () => void {
    const claim = this.env.locks.claim(accountId, this.cid, this.options.loginDelay, Date.now());
    if (claim === 'in-use') throw new Pop3Error('InUse');
    if (claim === 'login-delay') throw new Pop3Error('LoginDelay');
    this.lockedAccount = accountId;
    const anonymous = this.log;
    this.log = this.log.child({ user: address });
    return () => {
      this.env.locks.release(accountId, this.cid);
      this.lockedAccount = undefined;
      this.log = anonymous;
    };
  }

  // --- the gatekeeper --------------------------------------------------------------------------

  private readonly onData = (chunk: Buffer) => {
    if (this.ended) return;
    this.queue.push(...this.parser.push(chunk));
    if (this.queue.length >= MAX_QUEUED) this.socket.pause();
    void this.pump();
  };

  private async pump(): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    try {
      while (this.queue.length && !this.ended) await this.handle(this.queue.shift()!);
    } finally {
      this.busy = false;
    }
    if (!this.ended && this.socket.isPaused()) this.socket.resume();
  }

  private async handle(line: Line): Promise<void> {
    const state = this.state;
    try {
      if (line.kind === 'too-long') throw new Pop3Error('LineTooLong');
      if (state.kind === 'authorization' && state.sasl) {
        this.state = await continueSasl(this, state, line.text);
        return;
      }
      if (Buffer.byteLength(line.text) + 2 > COMMAND_OCTETS) throw new Pop3Error('LineTooLong');
      const space = line.text.indexOf(' ');
      const keyword = (space < 0 ? line.text : line.text.slice(0, space)).toUpperCase();
      const args = space < 0 ? '' : line.text.slice(space + 1);
      const command = COMMANDS.get(keyword);
      if (!command) throw new Pop3Error('UnknownCommand');
      if (!command.states.includes(state.kind)) throw new Pop3Error('WrongState');
      this.log.debug({ command: keyword }, 'command'); // arguments may be credentials: never logged
      this.state = await command.execute(this, state, args);
      if (this.state.kind === 'update') this.end();
    } catch (error) {
      this.refuse(error);
    }
  }

  private refuse(error: unknown): void {
    const { line, bad, internal } = refusal(error);
    if (internal) this.log.error({ err: error }, 'command failed');
    // A failed step of USER/PASS or of a SASL exchange starts authorization over.
    if (this.state.kind === 'authorization') this.state = { kind: 'authorization' };
    this.send(line);
    if (bad && ++this.badCommands >= this.options.maxBadCommands) {
      this.log.info({ badCommands: this.badCommands }, 'too many bad commands; closing');
      this.send(err('Too many bad commands; closing the connection'));
      this.end();
    }
  }

  // --- socket plumbing -------------------------------------------------------------------------

  /** RFC 1939: the autologout timer closes the connection without an answer and removes nothing. */
  private readonly handlers: SocketHandlers = {
    data: (chunk) => this.onData(chunk),
    timeout: () => this.onTimeout(),
    error: (error) => this.onError(error),
    close: () => this.onClose(),
  };

  private readonly onTimeout = () => {
    this.log.info({ state: this.state.kind }, 'idle for too long; closing');
    this.destroy();
  };

  private readonly onError = (error: Error) => {
    this.log.debug({ err: error }, 'socket error');
  };

  private readonly onClose = () => {
    this.ended = true;
    if (this.lockedAccount !== undefined) this.env.locks.release(this.lockedAccount, this.cid);
    // Without QUIT a transaction ends here: whatever DELE marked stays in the maildrop.
    const dropped = this.state.kind === 'transaction';
    this.log.info({ dropped }, dropped ? 'disconnected without QUIT; nothing deleted' : 'disconnected');
    this.markClosed();
  };

  private end(): void {
    this.ended = true;
    this.socket.end();
  }

  private uncork(): void {
    if (this.corked) this.socket.uncork();
    this.corked = false;
  }

  /** Writes with backpressure, so a slow reader never makes us hold a whole message. */
  private write(data: Buffer): Promise<void> {
    if (this.socket.write(data) || this.ended) return Promise.resolve();
    this.uncork(); // a corked socket never drains
    return drained(this.socket);
  }
}

