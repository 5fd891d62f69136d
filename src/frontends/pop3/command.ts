// What a POP3 command module is ({states, parse, run}) and what it may use of its connection.
// Commands write their responses through the context and return the session's next state.
import type { Readable } from 'node:stream';
import type { Logger } from 'pino';
import type { Actor } from '../../domain/event.ts';
import type { Authenticator } from '../../domain/directory/ports.ts';
import { Pop3Error } from './errors.ts';
import type { Maildrop, SessionState, StateName } from './session.ts';

/** What the POP3 front-end needs of the rest of postlog (the runtime, or a fake in unit tests). */
export interface Pop3Services {
  readonly auth: Authenticator;
  /** the account's INBOX as it is now, read model caught up with the log */
  maildrop(accountId: string): Promise<Maildrop>;
  /** removes the messages as one event; resolves once it is durable */
  expunge(mailboxId: string, uids: readonly number[], actor: Actor): Promise<void>;
  /** adds \Seen to the messages (those still there) as one event */
  markSeen(mailboxId: string, uids: readonly number[], actor: Actor): Promise<void>;
  /** the stored message; the stream errors if it is missing */
  message(blobId: string): Readable;
}

export type Pop3Options = Readonly<{
  hostname: string;
  /** RFC 2449 EXPIRE: days messages are kept after retrieval, or NEVER */
  expire: 'NEVER' | number;
  /** RFC 2449 LOGIN-DELAY in seconds; 0 = none (not advertised) */
  loginDelay: number;
  /** autologout timer (RFC 1939: at least ten minutes) */
  idleTimeoutMs: number;
  /** the connection is closed after this many bad commands */
  maxBadCommands: number;
  /** RETR marks a message \Seen, at QUIT */
  seenOnRetrieve: boolean;
}>;

export interface Pop3Context {
  /** connection id, in every log line */
  readonly cid: string;
  readonly clientAddress: string;
  /** TLS is active (implicit, or after STLS) */
  readonly secure: boolean;
  /** STLS may be offered: a plain-port connection not yet upgraded */
  readonly canStartTls: boolean;
  readonly services: Pop3Services;
  readonly options: Pop3Options;
  readonly log: Logger;
  send(response: string): void;
  /** `first` (a +OK line), then the message's bytes dot-stuffed (only header and `topLines` body
   * lines when given), then the terminating "." */
  sendMessage(first: string, blobId: string, topLines?: number): Promise<void>;
  /** answers +OK and upgrades the socket; anything the client pipelined after STLS is dropped */
  startTls(): Promise<void>;
  /** takes this node's lock on the account's maildrop and enforces LOGIN-DELAY; throws when
   * refused; returns what gives the lock back (the connection also does so when it closes) */
  claimMaildrop(accountId: string, address: string): () => void;
}

type InState<S extends StateName> = Extract<SessionState, { kind: S }>;

export type CommandSpec<S extends StateName, A> = Readonly<{
  states: readonly S[];
  /** the arguments after the keyword (without the separating space); throws Syntax */
  parse: (args: string) => A;
  run: (ctx: Pop3Context, state: InState<S>, args: A) => Promise<SessionState> | SessionState;
}>;

/** A command as the connection dispatches it: state-checked, parsed, run. */
export type Pop3Command = Readonly<{
  states: readonly StateName[];
  execute: (ctx: Pop3Context, state: SessionState, args: string) => Promise<SessionState> | SessionState;
}>;

export function command<S extends StateName, A>(spec: CommandSpec<S, A>): Pop3Command {
  const allowed = (state: SessionState): state is InState<S> => (spec.states as readonly StateName[]).includes(state.kind);
  return {
    states: spec.states,
    execute(ctx, state, args) {
      if (!allowed(state)) throw new Pop3Error('WrongState');
      return spec.run(ctx, state, spec.parse(args));
    },
  };
}

// --- argument parsers shared by the commands --------------------------------------------------

export function noArguments(args: string): void {
  if (args.trim() !== '') throw new Pop3Error('Syntax', 'This command takes no arguments');
}

const NUMBER = /^[1-9][0-9]{0,9}$/;

export function messageNumber(text: string | undefined): number {
  if (text === undefined || !NUMBER.test(text)) throw new Pop3Error('Syntax', 'Expected a message number');
  return Number(text);
}

/** Splits arguments on runs of spaces (clients differ in how many they send). */
export function words(args: string): string[] {
  const trimmed = args.trim();
  return trimmed ? trimmed.split(/ +/) : [];
}

/** "[msg]": no argument, or one message number. */
export function optionalMessage(args: string): number | undefined {
  const w = words(args);
  if (w.length > 1) throw new Pop3Error('Syntax', 'Expected at most one message number');
  return w.length ? messageNumber(w[0]) : undefined;
}

export function oneMessage(args: string): number {
  const w = words(args);
  if (w.length !== 1) throw new Pop3Error('Syntax', 'Expected one message number');
  return messageNumber(w[0]);
}
