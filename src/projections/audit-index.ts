// The audit index: every event of the log by decision time, across accounts and per account,
// so "what happened in this account on that day" reads that day's entries and nothing else.
import type { Database } from 'lmdb';
import type { Actor, DomainEvent } from '../domain/event.ts';
import type { AccountEvent } from '../domain/account/events.ts';
import type { MailboxEvent } from '../domain/mailbox/events.ts';
import type { LoginEvent, LoginRefused } from '../domain/login/events.ts';
import type { MergeApplied } from '../domain/merge/events.ts';
import type { RecordedEvent } from '../store/event-store.ts';
import type { Projection } from './projection.ts';

export type AuditEntry = Readonly<{
  position: number;
  at: string;
  type: string;
  /** delivery, append, flags, move, deletion, folder, directory, outbound, merge, login, other */
  category: string;
  stream: string;
  /** null when none, or several (a merge) */
  accountId: string | null;
  actor: Actor;
  /** one line on what the event did */
  summary: string;
}>;

// Keys: ['t', at, position] -> AuditEntry; ['a', accountId, at, position] -> 0, the entry being
// the one under ['t', at, position] (earlier versions stored a copy there, still read);
// ['mbx', mailboxId] -> accountId (mailbox events name only their mailbox)
const HIGH = '\uffff';

type Data = Record<string, unknown>;
const str = (v: unknown) => (typeof v === 'string' ? v : undefined);

/** The accounts an event is about: its own, its mailbox's, the user who did it, or every account a merge touched. */
function accountsOf(get: (key: readonly string[]) => string | undefined, event: DomainEvent): string[] {
  if (event.type === 'MergeApplied') {
    const { mailboxes, folders } = (event as MergeApplied).data;
    return [...new Set([...mailboxes, ...folders].map((m) => m.accountId))].sort();
  }
  const data = (event.data ?? {}) as Data;
  const mailboxId = str(data.mailboxId);
  const own = str(data.accountId) ?? (mailboxId && get(['mbx', mailboxId])) ?? (event.meta.actor.kind === 'user' ? event.meta.actor.id : undefined);
  return own ? [own] : [];
}

function categorize(event: DomainEvent, stream: string): string {
  if (event.meta.actor.protocol === 'merge' || /merge/i.test(event.type)) return 'merge';
  const e = event as MailboxEvent;
  switch (e.type) {
    case 'MessageAppended':
      return e.data.source.kind === 'delivery' ? 'delivery' : 'append';
    case 'FlagsChanged':
      return 'flags';
    case 'MessagesExpunged':
      return e.data.movedTo ? 'move' : 'deletion';
  }
  if (event.type === 'MailboxDeleted' || event.type === 'UserDeleted') return 'deletion';
  if (stream.startsWith('account-')) return 'folder';
  if (stream === 'directory') return 'directory';
  if (stream.startsWith('outbound-')) return 'outbound';
  if (stream.startsWith('logins-')) return 'login';
  return 'other';
}

function summarize(event: DomainEvent): string {
  const e = event as MailboxEvent;
  switch (e.type) {
    case 'MessageAppended': {
      const s = e.data.source;
      const from = e.data.merged?.renumberedFrom;
      if (from !== undefined) return `uid ${e.data.uid} renumbered from ${from} by merge: ${JSON.stringify(e.data.summary.subject)} (emailId ${e.data.emailId})`;
      const how = s.kind === 'delivery' ? `delivered from <${s.mailFrom}> to <${s.rcptTo}> via ${s.clientAddress}` : s.kind;
      return `uid ${e.data.uid} ${how}: ${JSON.stringify(e.data.summary.subject)} (emailId ${e.data.emailId})`;
    }
    case 'FlagsChanged':
      return e.data.changes.map((c) => `uid ${c.uid} ${[...c.added.map((f) => '+' + f), ...c.removed.map((f) => '-' + f)].join(' ')}`).join(', ');
    case 'MessagesExpunged':
      return `uids ${e.data.uids.join(',')} ${e.data.movedTo ? 'moved' : `expunged (${e.data.reason})`}`;
  }
  const folder = event as AccountEvent;
  switch (folder.type) {
    case 'MailboxCreated':
      return `created "${folder.data.name}"${folder.data.specialUse ? ` (${folder.data.specialUse})` : ''}`;
    case 'MailboxRenamed':
      return folder.data.renames.map((r) => `renamed "${r.from}" to "${r.to}"`).join(', ');
    case 'MailboxDeleted':
      return `deleted "${folder.data.name}"`;
    case 'MailboxSubscribed':
    case 'MailboxUnsubscribed':
      return `${folder.type === 'MailboxSubscribed' ? 'subscribed' : 'unsubscribed'} "${folder.data.name}"`;
  }
  const login = event as LoginEvent;
  if (login.type === 'LoggedIn' || login.type === 'LoginRefused') {
    const { address, protocol, mechanism, clientAddress, secure } = login.data;
    const how = `${address} over ${protocol.toUpperCase()} (${mechanism}${secure ? ', TLS' : ''}) from ${clientAddress}`;
    return login.type === 'LoggedIn' ? `logged in: ${how}` : `login refused (${(login as LoginRefused).data.reason}): ${how}`;
  }
  if (event.type === 'MergeApplied') {
    const { from, appended, copied, mailboxes } = (event as MergeApplied).data;
    return `merged ${from.origin} (${from.location}): ${appended} events appended (${copied} as they were) in ${mailboxes.length} mailboxes`;
  }
  // Other events are small: their data, without hashes, is the summary.
  return JSON.stringify(event.data, (k, v) => (k === 'passwordHash' ? '(hidden)' : v));
}

export const auditProjection: Projection = {
  name: 'audit',
  version: 2,
  deferred: true,
  evolve(kv, recorded: RecordedEvent) {
    const { event, position, stream } = recorded;
    if (event.type === 'MailboxInitialized') {
      const { mailboxId, accountId } = event.data as { mailboxId: string; accountId: string };
      kv.put(['mbx', mailboxId], accountId);
    }
    const accounts = accountsOf((key) => kv.get<string>(key), event);
    const entry: AuditEntry = {
      position,
      at: event.meta.at,
      type: event.type,
      category: categorize(event, stream),
      stream,
      accountId: accounts.length === 1 ? accounts[0]! : null,
      actor: event.meta.actor,
      summary: summarize(event),
    };
    kv.put(['t', entry.at, position], entry);
    for (const accountId of accounts) kv.put(['a', accountId, entry.at, position], 0);
  },
};

export type AuditQuery = Readonly<{
  accountId?: string;
  /** ISO 8601 UTC, inclusive */
  since?: string;
  /** ISO 8601 UTC, inclusive */
  until?: string;
  /** event types, categories, or "admin" for anything an admin command did */
  types?: readonly string[];
  limit?: number;
}>;

export const AUDIT_KINDS = ['delivery', 'append', 'flags', 'move', 'deletion', 'folder', 'directory', 'outbound', 'merge', 'login', 'other', 'admin'] as const;

export function matchesType(entry: AuditEntry, types: readonly string[]): boolean {
  return types.some((t) => {
    const want = t.toLowerCase();
    return want === entry.type.toLowerCase() || want === entry.category || (want === 'admin' && entry.actor.kind === 'admin');
  });
}

export class AuditIndex {
  constructor(private readonly db: Database) {}

  /** Entries in time order; `scanned` counts the index entries read to answer. */
  query(q: AuditQuery): { entries: AuditEntry[]; scanned: number } {
    const prefix = q.accountId ? ['a', q.accountId] : ['t'];
    const range = this.db.getRange({
      start: [...prefix, q.since ?? ''] as never,
      end: [...prefix, (q.until ?? '') + HIGH] as never,
    });
    const entries: AuditEntry[] = [];
    let scanned = 0;
    for (const { key, value } of range) {
      scanned++;
      const entry = (value === 0 ? this.db.get(['t', ...(key as unknown as unknown[]).slice(2)] as never) : value) as AuditEntry;
      if (q.types?.length && !matchesType(entry, q.types)) continue;
      entries.push(entry);
      if (q.limit !== undefined && entries.length >= q.limit) break;
    }
    return { entries, scanned };
  }
}

