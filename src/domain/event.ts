// The shape every event in the log shares, and the context a command is decided in.
// Events are plain data: they must round-trip through msgpackr and through JSON.

/** Who caused an event: a user over a protocol, an admin command, or the system itself. */
export type Actor = Readonly<{
  kind: 'user' | 'admin' | 'system';
  /** account id, admin name, or component name */
  id?: string;
  /** smtp, imap, pop3, ldap, cli, merge ... */
  protocol?: string;
  /** client address when a network peer is involved */
  address?: string;
}>;

export type EventMeta = Readonly<{
  /** globally unique, UUIDv7 */
  eventId: string;
  /** when the event was decided, ISO 8601 UTC */
  at: string;
  /** which store/node decided it */
  origin: string;
  actor: Actor;
  /** schema version of `data` for this event type */
  schema: number;
}>;

export type DomainEvent<T extends string = string, D = unknown> = Readonly<{
  type: T;
  data: D;
  meta: EventMeta;
}>;

/** What a decider gets besides the command: time, identity and provenance, never read from the machine. */
export type CommandContext = Readonly<{
  /** ISO 8601 UTC */
  now: string;
  actor: Actor;
  origin: string;
  /** returns a fresh UUIDv7 on each call */
  newId: () => string;
}>;

/**
 * A copy of an event's data with some fields replaced. Properties are copied as they are
 * defined, not read: one a store decodes only when first read (a message's summary) stays
 * undecoded, and is stored again as it was read.
 */
export function withFields<D extends object>(data: D, fields: Partial<D>): D {
  return Object.assign(Object.defineProperties({}, Object.getOwnPropertyDescriptors(data)) as D, fields);
}

/** Builds an event stamped from the command context. */
export function eventOf<T extends string, D>(
  type: T,
  data: D,
  ctx: CommandContext,
  schema = 1,
): DomainEvent<T, D> {
  return {
    type,
    data,
    meta: { eventId: ctx.newId(), at: ctx.now, origin: ctx.origin, actor: ctx.actor, schema },
  };
}
