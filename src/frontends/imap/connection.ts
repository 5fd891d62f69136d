// One IMAP connection: the gatekeeper. It owns the socket (plain, STARTTLS-upgraded or implicit
// TLS), the parser, literal decisions (size checked before "+"), state checks, the bad-command
// count, the idle timer, the selected mailbox's nudges and the flushing of untagged updates
// before each tagged reply. Commands see only an ImapContext.
import { randomBytes } from 'node:crypto';
import type { Socket } from 'node:net';
import type { SecureContext } from 'node:tls';
import type { Logger } from 'pino';
import type { CommandContext } from '../../domain/event.ts';
import { receiveMessage, type ReceivedDeferred } from '../../domain/message/intake.ts';
import { commandContext } from '../context.ts';
import { drained } from '../drained.ts';
import type { Runtime } from '../runtime.ts';
import { capabilities } from './capabilities.ts';
import { RefusedWithState, type ImapContext, type ImapOptions, type Outcome } from './command.ts';
import { COMMANDS } from './commands/index.ts';
import { ImapError, refusal } from './errors.ts';
import { LiteralSink } from './literal-sink.ts';
import { Args, BadArguments } from './protocol/args.ts';
import { RequestParser, type ParserEvent, type Request } from './protocol/parser.ts';
import type { Piece } from './protocol/strings.ts';
import type { RecentClaims } from './recent.ts';
import type { SelectedMailbox } from './selected.ts';
import type { SessionState } from './session.ts';
import type { MailboxWatch } from './watch.ts';
import { ReplyQueue } from './reply-queue.ts';
import { plainAddress } from '../directory/networks.ts';
import { upgradeToTls, watchSocket, type SocketHandlers } from '../socket-watch.ts';

/** stop reading from a client that pipelines this far ahead */
const MAX_BUFFERED = 1024 * 1024;

export type ConnectionEnv = Readonly<{
  runtime: Runtime;
  options: ImapOptions;
  /** the front-end's logger ({proto: 'imap'}) */
  logger: Logger;
  watch: MailboxWatch;
  recent: RecentClaims;
  /** for STARTTLS; absent on the implicit-TLS port */
  startTls?: SecureContext;
}>;

type Streamed = { sink: LiteralSink; size: number; written: number; received: Promise<ReceivedDeferred> };

export class ImapConnection implements ImapContext {
  readonly cid = randomBytes(6).toString('base64url');
  readonly clientAddress: string;
  readonly runtime: Runtime;
  readonly options: ImapOptions;
  readonly recent: RecentClaims;
  log: Logger;
  secure: boolean;
  tag = '*';
  /** resolves once the socket has closed */
  readonly closed: Promise<void>;

  private socket: Socket;
  private state: SessionState = { kind: 'notAuthenticated' };
  private readonly parser: RequestParser;
  private wake: (() => void) | null = null;
  private ended = false;
  private badCommands = 0;
  private streamed: Streamed | null = null;
  private unwatch: (() => void) | null = null;
  private watching: SelectedMailbox | null = null;
  private changeWaiter: (() => void) | null = null;
  private markClosed!: () => void;
  private unwatchSocket: () => void = () => {};
  /** replies queued to go out in one write */
  private readonly replies = new ReplyQueue();

  constructor(socket: Socket, private readonly env: ConnectionEnv, secure: boolean) {
    this.socket = socket;
    this.secure = secure;
    this.clientAddress = plainAddress(socket.remoteAddress ?? 'unknown');
    this.runtime = env.runtime;
    this.options = env.options;
    this.recent = env.recent;
    this.parser = new RequestParser({ maxLineBytes: 64 * 1024 });
    this.log = env.logger.child({ cid: this.cid });
    this.closed = new Promise((resolve) => (this.markClosed = resolve));
  }

  /** STARTTLS is on offer: a plain-port connection not yet upgraded */
  get canStartTls(): boolean {
    return !this.secure && this.env.startTls !== undefined;
  }

  start(): void {
    this.unwatchSocket = watchSocket(this.socket, this.handlers, this.options.idleTimeoutMs);
    this.log.info({ client: this.clientAddress, secure: this.secure }, 'connected');
    void this.write([`* OK [CAPABILITY ${this.capabilities()}] ${this.options.hostname} IMAP4rev1 postlog ready\r\n`]);
    void this.loop().catch((error: unknown) => {
      this.log.error({ err: error }, 'connection failed');
      this.destroy();
    });
  }

  destroy(): void {
    this.ended = true;
    this.socket.destroy();
  }

  capabilities(): string {
    return capabilities({
      authenticated: this.state.kind !== 'notAuthenticated',
      canStartTls: this.canStartTls,
      cleartextAllowed: this.runtime.auth.cleartextAllowed(this.clientAddress, this.secure),
    });
  }

  // --- ImapContext ------------------------------------------------------------------------------

  untagged(...pieces: Piece[]): Promise<void> | undefined {
    return this.write(['* ', ...pieces, '\r\n'], false);
  }

  flush(): Promise<void> {
    return this.write([]);
  }

  continuation(text: string): Promise<void> {
    return this.write([`+ ${text}\r\n`]);
  }

  async readLine(): Promise<string | null> {
    this.parser.readLine();
    const event = await this.nextEvent();
    if (event === null) return null;
    if (event.type === 'line') return event.text;
    // Only an endless line ends line mode otherwise: there is no telling where the next command starts.
    await this.bye('Line too long');
    return null;
  }

  changed(stop: Promise<unknown>): Promise<void> {
    return new Promise((resolve) => {
      if (this.state.kind === 'selected' && this.state.mailbox.dirty) return resolve();
      this.changeWaiter = resolve;
      void stop.then(() => resolve(), () => resolve());
    });
  }

  appended(): Promise<ReceivedDeferred> {
    const streamed = this.streamed;
    this.streamed = null;
    if (!streamed) throw new BadArguments('Expected a message literal');
    return streamed.received;
  }

  commandContext(): CommandContext {
    const id = this.state.kind === 'authenticated' || this.state.kind === 'selected' ? this.state.user.accountId : undefined;
    return commandContext({ kind: 'user', id, protocol: 'imap', address: this.clientAddress }, this.runtime.origin);
  }

  settle(position: number): Promise<void> {
    return position > 0 ? this.runtime.runner.waitFor(position) : Promise.resolve();
  }

  async sync(allowExpunge: boolean): Promise<void> {
    if (this.state.kind !== 'selected') return;
    const mailbox = this.state.mailbox;
    if (await this.leftDeleted()) return;
    // Not only after a nudge: another process's write is in the view before its nudge comes.
    mailbox.poll();
    await mailbox.flush((line) => this.write([line, '\r\n'], false), allowExpunge);
  }

  /**
   * When the selected folder was deleted (by another session or process), what the client
   * believes of it can no longer be kept right: it is told why and the connection ends, so it
   * selects again, as Dovecot does. True when that happened.
   */
  private async leftDeleted(): Promise<boolean> {
    if (this.state.kind !== 'selected' || !this.state.mailbox.deleted) return false;
    this.log.info({ mailbox: this.state.mailbox.name }, 'selected mailbox deleted elsewhere; closing');
    this.setState({ kind: 'logout' });
    await this.bye('Selected mailbox was deleted, have to disconnect');
    return true;
  }

  async startTls(): Promise<void> {
    const context = this.env.startTls;
    if (!context || this.secure) throw new ImapError('TlsActive');
    await this.write([`${this.tag} OK Begin TLS negotiation now\r\n`]);
    // Nothing the client sent in clear after STARTTLS may be acted on (command injection).
    this.parser.discardBuffered();
    const upgraded = upgradeToTls(this.socket, this.unwatchSocket, context, this.handlers, this.options.idleTimeoutMs);
    this.socket = upgraded.socket;
    this.unwatchSocket = upgraded.unwatch;
    this.secure = await upgraded.secured;
  }

  // --- the gatekeeper ---------------------------------------------------------------------------

  private async loop(): Promise<void> {
    for (;;) {
      const event = await this.nextEvent();
      if (event === null) return;
      switch (event.type) {
        case 'literal':
          await this.onLiteral(event);
          break;
        case 'data':
          await this.onData(event.chunk);
          break;
        case 'request':
          await this.onRequest(event.request);
          break;
        case 'bad':
          await this.refuse(event.tag ?? '*', { status: 'BAD', text: event.text, bad: true });
          if (event.fatal) await this.bye('Protocol error');
          break;
        case 'line':
          break;
      }
      if (this.ended) return;
    }
  }

  private async nextEvent(): Promise<ParserEvent | null> {
    for (;;) {
      if (this.ended) return null;
      const event = this.parser.next();
      if (event.type !== 'more') return event;
      if (this.socket.isPaused()) this.socket.resume();
      await new Promise<void>((resolve) => (this.wake = resolve));
    }
  }

  private async onLiteral(event: Extract<ParserEvent, { type: 'literal' }>): Promise<void> {
    const spec = COMMANDS.get(event.command);
    const permitted = spec !== undefined && spec.states.includes(this.state.kind);
    // APPEND's message is the literal after the mailbox name (flags and date may sit between).
    const streams = permitted && spec.streamsLiteral && event.position >= 1 && this.streamed === null;
    const limit = streams ? this.options.maxMessageSize : this.options.maxLiteral;
    if (!permitted || event.size > limit) {
      const refused = !permitted
        ? refusal(new ImapError(spec ? 'WrongState' : 'UnknownCommand'))
        : streams ? refusal(new ImapError('TooBig')) : { status: 'BAD' as const, text: 'Literal too large', bad: true };
      this.parser.rejectLiteral();
      await this.refuse(event.tag, refused);
      // A non-synchronizing literal is on its way already: there is no telling where it ends.
      if (!event.sync) await this.bye('Literal refused');
      return;
    }
    if (streams) {
      const sink = new LiteralSink();
      const received = receiveMessage(this.runtime.storage.blobs, sink, { maxSize: this.options.maxMessageSize, deferred: true });
      received.catch(() => {}); // observed by APPEND; a dropped connection must not crash the process
      this.streamed = { sink, size: event.size, written: 0, received };
      if (event.size === 0) sink.end();
      this.parser.acceptLiteral('stream');
    } else this.parser.acceptLiteral('buffer');
    if (event.sync) await this.continuation('Ready for literal data');
  }

  private async onData(chunk: Buffer): Promise<void> {
    const streamed = this.streamed;
    if (!streamed) return;
    streamed.written += chunk.length;
    await streamed.sink.write(chunk);
    if (streamed.written >= streamed.size) streamed.sink.end();
  }

  private async onRequest(request: Request): Promise<void> {
    this.tag = request.tag;
    const spec = COMMANDS.get(request.command);
    // Arguments may be credentials: never logged.
    this.log.debug({ command: request.command }, 'command');
    const before = this.state;
    try {
      // No command runs against a folder that is gone.
      if (await this.leftDeleted()) return;
      if (!spec) throw new ImapError('UnknownCommand');
      const outcome: Outcome = await spec.execute(this, this.state, new Args(request.args));
      if (outcome.state) this.setState(outcome.state);
      if (!outcome.answered) {
        await this.sync(!spec.holdsExpunges);
        const code = outcome.code ? `[${outcome.code}] ` : '';
        await this.write([`${request.tag} OK ${code}${outcome.text ?? `${request.command} completed`}\r\n`]);
      }
      this.badCommands = 0;
    } catch (thrown) {
      let error = thrown;
      if (error instanceof RefusedWithState) {
        this.setState(error.state);
        error = error.refused;
      }
      if (this.state === before) await this.sync(!spec?.holdsExpunges).catch(() => {});
      await this.refuse(request.tag, refusal(error), error);
    } finally {
      const leftover = this.streamed;
      this.streamed = null;
      if (leftover) {
        leftover.sink.abort(new Error('command ended before its literal was used'));
        await leftover.received.catch(() => {});
      }
    }
    if (this.state.kind === 'logout') this.end();
  }

  private setState(next: SessionState): void {
    this.state = next;
    const mailbox = next.kind === 'selected' ? next.mailbox : null;
    if (mailbox === this.watching) return;
    this.unwatch?.();
    this.unwatch = null;
    this.watching = mailbox;
    if (mailbox) {
      this.unwatch = this.env.watch.watch(mailbox.mailboxId, (change) => {
        mailbox.dirty = true;
        if (change === 'deleted') mailbox.deleted = true;
        const waiter = this.changeWaiter;
        this.changeWaiter = null;
        waiter?.();
      });
    }
    if (next.kind === 'authenticated' || next.kind === 'selected') this.log = this.log.child({ user: next.user.address });
  }

  private async refuse(tag: string, refused: ReturnType<typeof refusal>, error?: unknown): Promise<void> {
    if (refused.internal) this.log.error({ err: error }, 'command failed');
    const code = refused.code ? `[${refused.code}] ` : '';
    const ref = refused.internal ? ` (ref ${this.cid})` : '';
    await this.write([`${tag} ${refused.status} ${code}${refused.text}${ref}\r\n`]);
    if (refused.bad && ++this.badCommands >= this.options.maxBadCommands) {
      this.log.info({ badCommands: this.badCommands }, 'too many bad commands; closing');
      await this.bye('Too many invalid commands');
    }
  }

  private async bye(text: string): Promise<void> {
    await this.write([`* BYE ${text}\r\n`]);
    this.end();
  }

  // --- socket plumbing --------------------------------------------------------------------------

  private readonly onSocketData = (chunk: Buffer) => {
    if (this.ended) return;
    this.parser.push(chunk);
    if (this.parser.buffered > MAX_BUFFERED) this.socket.pause();
    this.wakeUp();
  };

  private wakeUp(): void {
    const wake = this.wake;
    this.wake = null;
    wake?.();
  }

  private readonly handlers: SocketHandlers = {
    data: (chunk) => this.onSocketData(chunk),
    timeout: () => this.onTimeout(),
    error: (error) => this.onError(error),
    close: () => this.onClose(),
  };

  private readonly onTimeout = () => {
    this.log.info({ state: this.state.kind }, 'idle for too long; closing');
    void this.bye('Autologout; idle for too long');
  };

  private readonly onError = (error: Error) => {
    this.log.debug({ err: error }, 'socket error');
  };

  private readonly onClose = () => {
    this.ended = true;
    this.unwatch?.();
    this.streamed?.sink.abort(new Error('connection closed during a literal'));
    this.wakeUp();
    this.changeWaiter?.();
    this.log.info('disconnected');
    this.markClosed();
  };

  private end(): void {
    this.ended = true;
    this.socket.end();
    // A command waiting for the client's next line (IDLE's DONE) stops waiting.
    this.wakeUp();
  }

  /** Queues a response and sends what has gathered when `now` (a tagged reply, a continuation) or
   * once it is large: one write, mostly one packet, per reply. A promise to wait on comes back
   * while the client is slow to read (a big FETCH is never held whole), or when `now`. */
  private write(pieces: readonly Piece[], now: false): Promise<void> | undefined;
  private write(pieces: readonly Piece[]): Promise<void>;
  private write(pieces: readonly Piece[], now = true): Promise<void> | undefined {
    this.replies.add(pieces);
    if (!now && !this.replies.full) return undefined;
    const data = this.replies.take();
    const sent = !this.socket.writable || data.length === 0 || this.socket.write(data);
    return !sent ? drained(this.socket) : now ? Promise.resolve() : undefined;
  }
}
