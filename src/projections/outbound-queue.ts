// The outbound queue as the relay and `postlog queue` read it: every item's state (the same
// fold as its decider) and an index of what is due when.
import type { Database } from 'lmdb';
import { OUTBOUND_EVENT_TYPES, type OutboundEvent } from '../domain/outbound/events.ts';
import { evolveOutbound, nextActionAt, type OutboundItem } from '../domain/outbound/state.ts';
import { lmdbKeyValue } from './lmdb-kv.ts';
import type { KeyValue, Projection } from './projection.ts';

// Keys: ['item', queueId] -> OutboundItem; ['due', at, queueId] -> 1 while something is left
// to do; ['dueAt', queueId] -> at (to move the due entry).
const TYPES = new Set<string>(OUTBOUND_EVENT_TYPES);

function evolve(kv: KeyValue, event: OutboundEvent): void {
  const queueId = event.data.queueId;
  const before = kv.get<OutboundItem>(['item', queueId]);
  const { item } = evolveOutbound({ item: before }, event);
  if (!item) return;
  kv.put(['item', queueId], item);
  const oldDue = kv.get<string>(['dueAt', queueId]);
  const due = nextActionAt(item);
  if (oldDue === due) return;
  if (oldDue !== undefined) kv.remove(['due', oldDue, queueId]);
  if (due === undefined) kv.remove(['dueAt', queueId]);
  else {
    kv.put(['due', due, queueId], 1);
    kv.put(['dueAt', queueId], due);
  }
}

export const outboundQueueProjection: Projection = {
  name: 'outbound-queue',
  version: 1,
  evolve(kv, recorded) {
    if (TYPES.has(recorded.event.type)) evolve(kv, recorded.event as OutboundEvent);
  },
};

export class OutboundQueueView {
  private readonly kv: KeyValue;
  constructor(db: Database) {
    this.kv = lmdbKeyValue(db);
  }

  item(queueId: string): OutboundItem | undefined {
    return this.kv.get<OutboundItem>(['item', queueId]);
  }

  /** Items with something left to do, earliest due first, with when that is. */
  active(): { dueAt: string; item: OutboundItem }[] {
    const out: { dueAt: string; item: OutboundItem }[] = [];
    for (const { key } of this.kv.children(['due'])) {
      const item = this.item(String(key[2]));
      if (item) out.push({ dueAt: String(key[1]), item });
    }
    return out;
  }

  /** Ids of the items due at or before `now` (ISO 8601), earliest first, at most `limit`. */
  due(now: string, limit = 1000): string[] {
    const out: string[] = [];
    for (const { key } of this.kv.children(['due'])) {
      if (String(key[1]) > now || out.length >= limit) break;
      out.push(String(key[2]));
    }
    return out;
  }

  /** When the earliest item is due, if any. */
  nextDue(): string | undefined {
    for (const { key } of this.kv.children(['due'])) return String(key[1]);
    return undefined;
  }
}
