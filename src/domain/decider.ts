// A decider turns a command and the current state into new events; evolve folds events into state.
import type { CommandContext, DomainEvent } from './event.ts';

export type Decider<C, S, E extends DomainEvent> = Readonly<{
  initialState: () => S;
  /**
   * Folds one event into the state. It may update `state` in place and return it: the state
   * belongs to the fold that owns it, which is how a mailbox of 100,000 messages stays cheap.
   */
  evolve: (state: S, event: E) => S;
  /** Pure: throws a DomainError to refuse; returns [] when nothing changes. */
  decide: (command: C, state: S, ctx: CommandContext) => E[];
  /** How the state is kept in a snapshot, for deciders whose streams grow long. */
  snapshot?: SnapshotCodec<S>;
}>;

/**
 * A state as plain data and back. `version` changes whenever the encoding or the state's
 * meaning does: a snapshot of another version is not used. `decode` throws on data it cannot
 * take, and the stream is replayed instead.
 */
export type SnapshotCodec<S> = Readonly<{
  version: number;
  encode: (state: S) => unknown;
  decode: (data: unknown) => S;
}>;

export type DomainErrorCode =
  | 'NotFound'
  | 'AlreadyExists'
  | 'InvalidName'
  | 'InvalidArgument'
  | 'NotAllowed'
  | 'HasChildren'
  | 'NoSuchMessage'
  | 'Conflict';

/** A command refused for a reason the user can act on; each front-end maps `code` to its protocol. */
export class DomainError extends Error {
  readonly type = 'DomainError' as const;
  constructor(readonly code: DomainErrorCode, message: string) {
    super(message);
    this.name = 'DomainError';
  }
}

export function refuse(code: DomainErrorCode, message: string): never {
  throw new DomainError(code, message);
}

/** Folds events into a fresh state. */
export function fold<S, E extends DomainEvent>(decider: Decider<unknown, S, E>, events: readonly E[]): S {
  let state = decider.initialState();
  for (const event of events) state = decider.evolve(state, event);
  return state;
}
