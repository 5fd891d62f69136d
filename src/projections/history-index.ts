// The message history index: for each emailId, the positions of every event about it; for each
// Message-ID, its emailIds; and (mailboxId, uid) -> emailId, since flag changes and expunges
// name only the UID. UIDs are never reused in a mailbox, so that map is kept after an expunge.
import type { Database } from 'lmdb';
import type { MailboxEvent } from '../domain/mailbox/events.ts';
import type { RecordedEvent } from '../store/event-store.ts';
import { lmdbKeyValue } from './lmdb-kv.ts';
import type { KeyValue, Projection } from './projection.ts';

/** One event about one message: where it sat (mailbox and UID) when the event happened. */
export type HistoryRef = Readonly<{ position: number; mailboxId: string; uid: number }>;

// Keys: ['uid', mailboxId, uid] -> emailId; ['e', emailId, position, uid] -> mailboxId;
// ['mid', messageId, emailId] -> 1; ['mbx', mailboxId] -> accountId
const TYPES = new Set<string>(['MailboxInitialized', 'MessageAppended', 'FlagsChanged', 'MessagesExpunged']);

/** Message-IDs compared without angle brackets and case-insensitively on the domain side. */
export function messageIdKey(id: string): string {
  const bare = id.trim().replace(/^<|>$/g, '');
  const at = bare.lastIndexOf('@');
  return at < 0 ? bare : bare.slice(0, at) + bare.slice(at).toLowerCase();
}

function mention(kv: KeyValue, recorded: RecordedEvent, mailboxId: string, uid: number): void {
  const emailId = kv.get<string>(['uid', mailboxId, uid]);
  if (emailId) kv.put(['e', emailId, recorded.position, uid], mailboxId);
}

function evolve(kv: KeyValue, recorded: RecordedEvent<MailboxEvent>): void {
  const event = recorded.event;
  switch (event.type) {
    case 'MailboxInitialized':
      kv.put(['mbx', event.data.mailboxId], event.data.accountId);
      return;
    case 'MessageAppended': {
      const { mailboxId, uid, emailId, summary } = event.data;
      kv.put(['uid', mailboxId, uid], emailId);
      // What mention() would read back, known here.
      kv.put(['e', emailId, recorded.position, uid], mailboxId);
      if (summary.messageId) kv.put(['mid', messageIdKey(summary.messageId), emailId], 1);
      return;
    }
    case 'FlagsChanged':
      for (const change of event.data.changes) mention(kv, recorded, event.data.mailboxId, change.uid);
      return;
    case 'MessagesExpunged':
      for (const uid of event.data.uids) mention(kv, recorded, event.data.mailboxId, uid);
      return;
  }
}

export const historyProjection: Projection = {
  name: 'history',
  version: 1,
  deferred: true,
  evolve(kv, recorded) {
    if (TYPES.has(recorded.event.type)) evolve(kv, recorded as RecordedEvent<MailboxEvent>);
  },
};

export class HistoryIndex {
  private readonly kv: KeyValue;
  constructor(db: Database) {
    this.kv = lmdbKeyValue(db);
  }

  /** Whether any event mentions this emailId. */
  knows(emailId: string): boolean {
    for (const _ of this.kv.children(['e', emailId])) return true;
    return false;
  }

  emailIdsOfMessageId(messageId: string): string[] {
    return [...this.kv.children(['mid', messageIdKey(messageId)])].map(({ key }) => key[2] as string);
  }

  emailIdAt(mailboxId: string, uid: number): string | undefined {
    return this.kv.get<string>(['uid', mailboxId, uid]);
  }

  accountOfMailbox(mailboxId: string): string | undefined {
    return this.kv.get<string>(['mbx', mailboxId]);
  }

  /** Every event about the message, in log order. */
  refs(emailId: string): HistoryRef[] {
    return [...this.kv.children<string>(['e', emailId])].map(({ key, value }) => ({
      position: key[2] as number,
      uid: key[3] as number,
      mailboxId: value,
    }));
  }
}
