// Decides what happens to one outbound queue item: its creation, each delivery attempt and
// its results per recipient (with the retry schedule applied), the reports to the sender, and
// an admin's retry or delete. Time comes from the command context only.
import { type Decider, refuse } from '../decider.ts';
import { type CommandContext, eventOf } from '../event.ts';
import type { DomainRecipients, OutboundEvent, OutboundQueued, Report } from './events.ts';
import { evolveOutbound, initialOutboundState, type OutboundItem, type OutboundState } from './state.ts';

export type { OutboundState } from './state.ts';

/** How long to wait after the nth temporary failure, and when to give up. */
export type RetryPolicy = Readonly<{
  /** minutes before the next attempt after the 1st, 2nd ... failure; the last one repeats */
  retryMinutes: readonly number[];
  /** a recipient still failing temporarily this long after queueing fails for good */
  maxAgeHours: number;
}>;

export const DEFAULT_RETRY: RetryPolicy = { retryMinutes: [5, 15, 30, 60, 120, 240, 480], maxAgeHours: 120 };

export type AttemptResult =
  | { address: string; outcome: 'delivered'; host: string; reply: string }
  | { address: string; outcome: 'deferred' | 'failed'; host?: string; reason: string; reply?: string };

export type OutboundCommand =
  | ({ type: 'queue' } & Omit<OutboundQueued['data'], 'recipients'> & {
      /** in any order, any case of domain: grouped and sorted here */
      recipients: readonly string[];
    })
  | { type: 'startAttempt'; queueId: string; attemptId: string; domain: string; addresses: readonly string[] }
  | { type: 'recordResults'; queueId: string; attemptId: string; results: readonly AttemptResult[]; policy: RetryPolicy }
  | ({ type: 'bounce' | 'warn' } & Report)
  | { type: 'retry'; queueId: string }
  | { type: 'delete'; queueId: string; reason: string };

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

/** When the next attempt is due after `attempts` attempts, as of `now`. */
export function nextAttemptAt(now: string, attempts: number, policy: RetryPolicy): string {
  const schedule = policy.retryMinutes.length ? policy.retryMinutes : DEFAULT_RETRY.retryMinutes;
  const minutes = schedule[Math.min(Math.max(attempts, 1), schedule.length) - 1]!;
  return new Date(Date.parse(now) + minutes * 60_000).toISOString();
}

function existing(state: OutboundState, queueId: string): OutboundItem {
  if (!state.item) refuse('NotFound', `no outbound item ${queueId}`);
  return state.item;
}

function queue(command: Extract<OutboundCommand, { type: 'queue' }>, state: OutboundState, ctx: CommandContext): OutboundEvent[] {
  if (state.item) refuse('AlreadyExists', `outbound item ${command.queueId} is already queued`);
  if (!command.recipients.length) refuse('InvalidArgument', 'an outbound item needs at least one recipient');
  if (!Number.isSafeInteger(command.start) || command.start < 0 || command.start > command.size) {
    refuse('InvalidArgument', `start ${command.start} is outside the message`);
  }
  const { type: _, recipients, ...rest } = command;
  return [eventOf('OutboundQueued', { ...rest, recipients: byDomain(recipients) }, ctx)];
}

function record(command: Extract<OutboundCommand, { type: 'recordResults' }>, item: OutboundItem, ctx: CommandContext): OutboundEvent[] {
  const { queueId, attemptId, policy } = command;
  const expired = Date.parse(ctx.now) >= Date.parse(item.queuedAt) + policy.maxAgeHours * 3600_000;
  const out: OutboundEvent[] = [];
  for (const result of command.results) {
    const r = item.recipients.find((x) => x.address === result.address);
    // delivered, failed or deleted meanwhile (an admin, or a retry that overtook this one)
    if (!r || r.status !== 'pending') continue;
    if (result.outcome === 'delivered') {
      out.push(eventOf('RecipientDelivered', { queueId, attemptId, address: r.address, host: result.host, reply: result.reply }, ctx));
      continue;
    }
    const { host, reply } = result;
    const detail = { queueId, attemptId, address: r.address, ...(host !== undefined && { host }), ...(reply !== undefined && { reply }) };
    if (result.outcome === 'failed') {
      out.push(eventOf('RecipientFailed', { ...detail, reason: result.reason }, ctx));
    } else if (expired) {
      const reason = `gave up after ${r.attempts} attempts in ${policy.maxAgeHours} hours: ${result.reason}`;
      out.push(eventOf('RecipientFailed', { ...detail, reason }, ctx));
    } else {
      out.push(eventOf('RecipientDeferred', { ...detail, reason: result.reason, nextAttemptAt: nextAttemptAt(ctx.now, r.attempts, policy) }, ctx));
    }
  }
  return out;
}

function report(command: Extract<OutboundCommand, { type: 'bounce' | 'warn' }>, item: OutboundItem, ctx: CommandContext): OutboundEvent[] {
  if (item.mailFrom === '') refuse('NotAllowed', 'the null sender never gets a delivery report');
  const { type, ...data } = command;
  const owed = item.recipients.filter((r) =>
    type === 'bounce' ? r.status === 'failed' && !r.bounced : r.status === 'pending' && !r.warned,
  );
  const addresses = data.addresses.filter((a) => owed.some((r) => r.address === a));
  if (!addresses.length) return [];
  return [eventOf(type === 'bounce' ? 'BounceGenerated' : 'DelayWarningSent', { ...data, addresses }, ctx)];
}

function decide(command: OutboundCommand, state: OutboundState, ctx: CommandContext): OutboundEvent[] {
  if (command.type === 'queue') return queue(command, state, ctx);
  const item = existing(state, command.queueId);
  switch (command.type) {
    case 'startAttempt': {
      const pending = command.addresses.filter((a) => item.recipients.some((r) => r.address === a && r.status === 'pending'));
      if (!pending.length) return [];
      const { queueId, attemptId, domain } = command;
      return [eventOf('DeliveryAttemptStarted', { queueId, attemptId, domain, addresses: pending }, ctx)];
    }
    case 'recordResults':
      return record(command, item, ctx);
    case 'bounce':
    case 'warn':
      return report(command, item, ctx);
    case 'retry':
      if (!item.recipients.some((r) => r.status === 'pending')) refuse('InvalidArgument', `outbound item ${command.queueId} has no recipient left to try`);
      return [eventOf('OutboundRetryRequested', { queueId: command.queueId }, ctx)];
    case 'delete':
      if (item.deleted) return [];
      return [eventOf('OutboundDeleted', { queueId: command.queueId, reason: command.reason }, ctx)];
  }
}

export const outboundDecider: Decider<OutboundCommand, OutboundState, OutboundEvent> = {
  initialState: initialOutboundState,
  evolve: evolveOutbound,
  decide,
};
