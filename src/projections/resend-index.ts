// Which SMTP deliveries already happened, by (content hash of the client's bytes, envelope
// sender, recipient, destination): how a resend after a lost `250` is recognised and not
// delivered twice, across restarts. Entries are dropped once older than RETENTION_HOURS of
// log time, so the index stays the size of a few days of mail.
import { hash } from 'node:crypto';
import type { Database } from 'lmdb';
import type { MailboxInitialized, MessageAppended } from '../domain/mailbox/events.ts';
import type { OutboundQueued } from '../domain/outbound/events.ts';
import { lmdbKeyValue } from './lmdb-kv.ts';
import type { KeyValue, Projection } from './projection.ts';

/** The longest resend window a configuration may ask for. */
export const RETENTION_HOURS = 7 * 24;

export type ResendKey = Readonly<{
  contentHash: string;
  mailFrom: string;
  rcptTo: string;
  /** an accountId for local delivery, OUTBOUND for the relay queue */
  destination: string;
}>;

export const OUTBOUND = 'outbound';

export type DeliveryRecord = Readonly<{ at: string; transactionId: string }>;

/** One fixed-size LMDB key whatever the length of the addresses. */
export function resendDigest(key: ResendKey): string {
  const parts = [key.contentHash, key.mailFrom, key.rcptTo, key.destination];
  // One call, not a Hash object: Node looks the algorithm up for each object it makes.
  return hash('sha256', parts.join('\0'), 'base64url');
}

/** "2026-05-19T10" — entries expire by the hour. */
const hourOf = (iso: string) => iso.slice(0, 13);

// Keys: ['mailbox', mailboxId] -> accountId; ['seen', digest] -> DeliveryRecord;
// ['expires', hour, digest] -> 1; ['pruned'] -> the hour of log time last pruned at.
function record(kv: KeyValue, key: ResendKey, value: DeliveryRecord): void {
  const digest = resendDigest(key);
  kv.put(['seen', digest], value);
  kv.put(['expires', hourOf(value.at), digest], 1);
}

function prune(kv: KeyValue, now: string): void {
  // Expiry goes by the hour: once an hour's cutoff is applied, the events of that hour have
  // nothing more to drop (checked here rather than by a scan of the expiry keys per event).
  const hour = hourOf(now);
  if (kv.get<string>(['pruned']) === hour) return;
  kv.put(['pruned'], hour);
  const cutoff = hourOf(new Date(Date.parse(now) - RETENTION_HOURS * 3600_000).toISOString());
  const old: (readonly (string | number)[])[] = [];
  for (const { key } of kv.children(['expires'])) {
    if (String(key[1]) >= cutoff) break;
    old.push(key);
  }
  for (const key of old) {
    kv.remove(['seen', key[2]!]);
    kv.remove(key);
  }
}

type Indexed = MailboxInitialized | MessageAppended | OutboundQueued;
const TYPES = new Set<string>(['MailboxInitialized', 'MessageAppended', 'OutboundQueued']);

function evolve(kv: KeyValue, event: Indexed): void {
  const at = event.meta.at;
  switch (event.type) {
    case 'MailboxInitialized':
      kv.put(['mailbox', event.data.mailboxId], event.data.accountId);
      return;
    case 'MessageAppended': {
      const { source, mailboxId } = event.data;
      if (source.kind !== 'delivery' || !source.contentHash) return;
      const destination = kv.get<string>(['mailbox', mailboxId]) ?? mailboxId;
      const { contentHash, mailFrom, rcptTo, transactionId } = source;
      record(kv, { contentHash, mailFrom, rcptTo, destination }, { at, transactionId });
      break;
    }
    case 'OutboundQueued': {
      const { contentHash, mailFrom, transactionId } = event.data;
      for (const { addresses } of event.data.recipients) {
        for (const rcptTo of addresses) record(kv, { contentHash, mailFrom, rcptTo, destination: OUTBOUND }, { at, transactionId });
      }
      break;
    }
  }
  prune(kv, at);
}

export const resendProjection: Projection = {
  name: 'smtp-resends',
  version: 1,
  // Only a resend of something this process just delivered can be ahead of it, and the
  // guard waits for those (ResendGuard): a random key or two per delivery stays out of the commit.
  deferred: true,
  evolve(kv, recorded) {
    if (TYPES.has(recorded.event.type)) evolve(kv, recorded.event as Indexed);
  },
};

export class ResendIndex {
  private readonly kv: KeyValue;
  constructor(db: Database) {
    this.kv = lmdbKeyValue(db);
  }

  /** When (and by which transaction) this message already reached this destination, if it did. */
  delivered(key: ResendKey): DeliveryRecord | undefined {
    return this.kv.get<DeliveryRecord>(['seen', resendDigest(key)]);
  }
}
