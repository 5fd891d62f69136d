// The state of one outbound queue item, folded from its events. Plain data (no Map), so the
// queue projection keeps the same fold in its read model.
import type { OutboundEvent } from './events.ts';

export type RecipientStatus = 'pending' | 'delivered' | 'failed' | 'deleted';

export type RecipientState = {
  address: string;
  domain: string;
  status: RecipientStatus;
  /** attempts started for this recipient */
  attempts: number;
  /** when it is next due (pending only); ISO 8601 UTC */
  nextAttemptAt: string;
  /** an attempt started and not finished: a crash interrupted it, or it is running now */
  inFlight?: string;
  lastReason?: string;
  lastReply?: string;
  /** when it was delivered or failed */
  finishedAt?: string;
  bounced: boolean;
  warned: boolean;
};

export type OutboundItem = {
  queueId: string;
  queuedAt: string;
  mailFrom: string;
  blobId: string;
  start: number;
  size: number;
  recipients: RecipientState[];
  deleted: boolean;
};

export type OutboundState = { item: OutboundItem | undefined };

export const initialOutboundState = (): OutboundState => ({ item: undefined });

function each(item: OutboundItem, addresses: readonly string[], change: (r: RecipientState) => void): void {
  for (const r of item.recipients) if (addresses.includes(r.address)) change(r);
}

export function evolveOutbound(state: OutboundState, event: OutboundEvent): OutboundState {
  const at = event.meta.at;
  if (event.type === 'OutboundQueued') {
    const { queueId, mailFrom, blobId, start, size } = event.data;
    const recipients = event.data.recipients.flatMap(({ domain, addresses }) =>
      addresses.map((address): RecipientState => ({ address, domain, status: 'pending', attempts: 0, nextAttemptAt: at, bounced: false, warned: false })),
    );
    return { item: { queueId, queuedAt: at, mailFrom, blobId, start, size, recipients, deleted: false } };
  }
  const item = state.item;
  if (!item) return state;
  switch (event.type) {
    case 'DeliveryAttemptStarted':
      each(item, event.data.addresses, (r) => {
        r.attempts += 1;
        r.inFlight = event.data.attemptId;
      });
      break;
    case 'RecipientDelivered':
      each(item, [event.data.address], (r) => {
        Object.assign(r, { status: 'delivered', lastReply: event.data.reply, finishedAt: at });
        delete r.inFlight;
      });
      break;
    case 'RecipientDeferred':
      each(item, [event.data.address], (r) => {
        Object.assign(r, { nextAttemptAt: event.data.nextAttemptAt, lastReason: event.data.reason, lastReply: event.data.reply });
        delete r.inFlight;
      });
      break;
    case 'RecipientFailed':
      each(item, [event.data.address], (r) => {
        Object.assign(r, { status: 'failed', lastReason: event.data.reason, lastReply: event.data.reply, finishedAt: at });
        delete r.inFlight;
      });
      break;
    case 'BounceGenerated':
      each(item, event.data.addresses, (r) => (r.bounced = true));
      break;
    case 'DelayWarningSent':
      each(item, event.data.addresses, (r) => (r.warned = true));
      break;
    case 'OutboundRetryRequested':
      for (const r of item.recipients) if (r.status === 'pending') r.nextAttemptAt = at;
      break;
    case 'OutboundDeleted':
      item.deleted = true;
      for (const r of item.recipients) if (r.status === 'pending') r.status = 'deleted';
      break;
  }
  return state;
}

/** Failed recipients whose sender has not had a report yet (never for the null sender). */
export function unbounced(item: OutboundItem): RecipientState[] {
  if (item.mailFrom === '') return [];
  return item.recipients.filter((r) => r.status === 'failed' && !r.bounced);
}

/**
 * When the relay next has something to do for this item: the earliest due recipient, or a
 * bounce not yet sent. Undefined once nothing is left.
 */
export function nextActionAt(item: OutboundItem): string | undefined {
  let next: string | undefined;
  for (const r of item.recipients) if (r.status === 'pending' && (next === undefined || r.nextAttemptAt < next)) next = r.nextAttemptAt;
  for (const r of unbounced(item)) if (next === undefined || r.finishedAt! < next) next = r.finishedAt;
  return next;
}
