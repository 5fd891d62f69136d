// What an IMAP command module is ({states, parse, run}) and what it may use of its connection.
// A command writes untagged responses through the context, returns how it completed and the
// session's next state, and throws (ImapError, DomainError, BadArguments) to refuse.
import type { Logger } from 'pino';
import type { CommandContext } from '../../domain/event.ts';
import type { ReceivedDeferred } from '../../domain/message/intake.ts';
import type { Runtime } from '../runtime.ts';
import { ImapError } from './errors.ts';
import type { Args } from './protocol/args.ts';
import type { RecentClaims } from './recent.ts';
import type { Piece } from './protocol/strings.ts';
import type { SessionState, StateName } from './session.ts';

export type ImapOptions = Readonly<{
  hostname: string;
  /** APPEND literals above this are refused with [TOOBIG] before any byte is read */
  maxMessageSize: number;
  /** other literals (names, passwords, search strings) are held in memory up to this */
  maxLiteral: number;
  /** autologout (RFC 3501 5.4: at least 30 minutes; IDLE clients re-issue within 29) */
  idleTimeoutMs: number;
  /** the connection is closed after this many bad commands in a row */
  maxBadCommands: number;
}>;

export interface ImapContext {
  /** connection id, in every log line */
  readonly cid: string;
  readonly clientAddress: string;
  /** TLS is active (implicit, or after STARTTLS) */
  readonly secure: boolean;
  /** STARTTLS may be offered: a plain-port connection not yet upgraded */
  readonly canStartTls: boolean;
  readonly runtime: Runtime;
  readonly options: ImapOptions;
  /** which messages some session has claimed as \Recent, per mailbox */
  readonly recent: RecentClaims;
  readonly log: Logger;
  /** the current request's tag */
  readonly tag: string;
  /**
   * "* " + pieces + CRLF. Queued at once; a promise comes back only when it must be waited for,
   * while the client is slow to read (a FETCH of many messages awaits no turn per message).
   */
  untagged(...pieces: Piece[]): Promise<void> | undefined;
  /** sends the untagged responses queued so far (they otherwise go with the tagged reply) */
  flush(): Promise<void>;
  /** "+ text" CRLF */
  continuation(text: string): Promise<void>;
  /** the next raw line the client sends (IDLE's DONE, a SASL response); null once it has gone */
  readLine(): Promise<string | null>;
  /** resolves when the selected mailbox changes or `stop` resolves, whichever comes first */
  changed(stop: Promise<unknown>): Promise<void>;
  /** the message of an APPEND, streamed into the blob store as it arrived */
  appended(): Promise<ReceivedDeferred>;
  /** the time, ids and actor of a domain command issued by this session */
  commandContext(): CommandContext;
  /** resolves once every projection shows the log up to `position` */
  settle(position: number): Promise<void>;
  /** sends what other sessions changed in the selected mailbox; EXPUNGE only when allowed */
  sync(allowExpunge: boolean): Promise<void>;
  /** answers OK and upgrades the socket; what the client pipelined in clear is dropped */
  startTls(): Promise<void>;
  /** what CAPABILITY lists now (it depends on TLS and login) */
  capabilities(): string;
}

export type Outcome = Readonly<{
  /** the session's next state; unchanged when absent */
  state?: SessionState;
  /** response code of the tagged OK, e.g. "READ-WRITE" or "APPENDUID 1 2" */
  code?: string;
  text?: string;
  /** the command wrote its own tagged reply (STARTTLS must, before the handshake) */
  answered?: boolean;
}>;

type InState<S extends StateName> = Extract<SessionState, { kind: S }>;

export type CommandSpec<S extends StateName, A> = Readonly<{
  states: readonly S[];
  parse: (args: Args) => A;
  run: (ctx: ImapContext, state: InState<S>, args: A) => Promise<Outcome>;
  /** EXPUNGE may not be sent after FETCH, STORE or SEARCH (RFC 3501 7.4.1) */
  holdsExpunges?: boolean;
  /** the command reads a message literal as a stream (APPEND) */
  streamsLiteral?: boolean;
  /** the state a refusal leaves (a failed SELECT deselects) */
  stateOnFailure?: (state: InState<S>) => SessionState;
}>;

/** A refusal that also changes the session's state. */
export class RefusedWithState extends Error {
  readonly type = 'RefusedWithState' as const;
  constructor(readonly refused: unknown, readonly state: SessionState) {
    super('refused');
  }
}

/** A command as the connection dispatches it: state-checked, parsed, run. */
export type ImapCommand = Readonly<{
  states: readonly StateName[];
  holdsExpunges: boolean;
  streamsLiteral: boolean;
  execute: (ctx: ImapContext, state: SessionState, args: Args) => Promise<Outcome>;
}>;

export function command<S extends StateName, A>(spec: CommandSpec<S, A>): ImapCommand {
  const allowed = (state: SessionState): state is InState<S> => (spec.states as readonly StateName[]).includes(state.kind);
  return {
    states: spec.states,
    holdsExpunges: spec.holdsExpunges ?? false,
    streamsLiteral: spec.streamsLiteral ?? false,
    async execute(ctx, state, args) {
      if (!allowed(state)) throw new ImapError('WrongState');
      try {
        const parsed = spec.parse(args);
        args.end();
        return await spec.run(ctx, state, parsed);
      } catch (error) {
        throw spec.stateOnFailure ? new RefusedWithState(error, spec.stateOnFailure(state)) : error;
      }
    },
  };
}

/** For commands that take no arguments. */
export function none(): void {}
