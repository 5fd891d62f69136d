// Decides what happens to one outbound queue item. For now only its creation: the relay that
// delivers, retries and bounces is its own piece of work.
import { type Decider, refuse } from '../decider.ts';
import { type CommandContext, eventOf } from '../event.ts';
import type { DomainRecipients, OutboundEvent, OutboundQueued } from './events.ts';

export type OutboundCommand = { type: 'queue' } & Omit<OutboundQueued['data'], 'recipients'> & {
  /** in any order, any case of domain: grouped and sorted here */
  recipients: readonly string[];
};

export type OutboundState = { queued: boolean };

/** Groups addresses by their (lowercased) domain, each address once, in a stable order. */
export function byDomain(addresses: readonly string[]): DomainRecipients[] {
  const groups = new Map<string, Set<string>>();
  for (const address of addresses) {
    const at = address.lastIndexOf('@');
    if (at <= 0 || at === address.length - 1) refuse('InvalidArgument', `not a routable address: ${address}`);
    const domain = address.slice(at + 1).toLowerCase();
    const local = address.slice(0, at);
    let set = groups.get(domain);
    if (!set) groups.set(domain, (set = new Set()));
    set.add(`${local}@${domain}`);
  }
  return [...groups].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([domain, set]) => ({ domain, addresses: [...set] }));
}

function decide(command: OutboundCommand, state: OutboundState, ctx: CommandContext): OutboundEvent[] {
  if (state.queued) refuse('AlreadyExists', `outbound item ${command.queueId} is already queued`);
  if (!command.recipients.length) refuse('InvalidArgument', 'an outbound item needs at least one recipient');
  if (!Number.isSafeInteger(command.start) || command.start < 0 || command.start > command.size) {
    refuse('InvalidArgument', `start ${command.start} is outside the message`);
  }
  const { type: _, recipients, ...rest } = command;
  return [eventOf('OutboundQueued', { ...rest, recipients: byDomain(recipients) }, ctx)];
}

export const outboundDecider: Decider<OutboundCommand, OutboundState, OutboundEvent> = {
  initialState: () => ({ queued: false }),
  evolve: (state, event) => (event.type === 'OutboundQueued' ? { queued: true } : state),
  decide,
};
