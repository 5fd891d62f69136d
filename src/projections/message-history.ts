// "What happened to this message": the events the history index points at, read from the log
// and told in the words of a mail admin.
import type { Actor } from '../domain/event.ts';
import type { MailboxEvent, MessageSource } from '../domain/mailbox/events.ts';
import type { EventStore } from '../store/event-store.ts';
import type { HistoryIndex, HistoryRef } from './history-index.ts';

export type HistoryEntry = Readonly<{
  position: number;
  at: string;
  type: string;
  /** delivered, appended, copied, moved in, restored, imported, flags changed, moved out,
   * renumbered by merge, expunged */
  what: string;
  mailboxId: string;
  /** the mailbox's name now (its id when it no longer exists) */
  mailbox: string;
  uid: number;
  actor: Actor;
  details: Record<string, unknown>;
}>;

export type MailboxNames = (mailboxId: string) => string;

function arrival(source: MessageSource, names: MailboxNames): { what: string; details: Record<string, unknown> } {
  switch (source.kind) {
    case 'delivery': {
      const { mailFrom, rcptTo, clientAddress, transactionId } = source;
      return { what: 'delivered', details: { mailFrom, rcptTo, clientAddress, transactionId } };
    }
    case 'append':
      return { what: 'appended', details: {} };
    case 'copy':
    case 'move':
      return {
        what: source.kind === 'copy' ? 'copied' : 'moved in',
        details: { from: names(source.fromMailboxId), fromMailboxId: source.fromMailboxId, fromUid: source.fromUid },
      };
    case 'restore':
      return { what: 'restored', details: { from: names(source.fromMailboxId), fromMailboxId: source.fromMailboxId, fromUid: source.fromUid, asOf: source.asOf } };
    case 'import':
      return { what: 'imported', details: source.note ? { note: source.note } : {} };
  }
}

function describe(event: MailboxEvent, ref: HistoryRef, names: MailboxNames): { what: string; details: Record<string, unknown> } {
  switch (event.type) {
    case 'MessageAppended': {
      const { emailId, flags, size, summary, merged } = event.data;
      const about = { emailId, flags, size, subject: summary.subject };
      // A merge places a message again when the two stores gave its UID to different messages.
      if (merged?.renumberedFrom !== undefined) return { what: 'renumbered by merge', details: { fromUid: merged.renumberedFrom, ...about } };
      const { what, details } = arrival(event.data.source, names);
      return { what: merged ? `${what} (placed by merge)` : what, details: { ...details, ...about } };
    }
    case 'FlagsChanged': {
      const change = event.data.changes.find((c) => c.uid === ref.uid);
      return { what: 'flags changed', details: { added: change?.added ?? [], removed: change?.removed ?? [] } };
    }
    case 'MessagesExpunged': {
      const { reason, movedTo } = event.data;
      if (reason === 'merge-renumbered') return { what: 'UID given up (merge renumbered it)', details: { reason } };
      if (!movedTo) return { what: 'expunged', details: { reason } };
      const i = event.data.uids.indexOf(ref.uid);
      return { what: 'moved out', details: { reason, to: names(movedTo.mailboxId), toMailboxId: movedTo.mailboxId, toUid: movedTo.uids[i] } };
    }
    case 'MailboxInitialized':
      return { what: 'mailbox created', details: {} };
  }
}

/** The message's events in time order (decision time, then log order). */
export async function messageHistory(store: EventStore, index: HistoryIndex, emailId: string, names: MailboxNames): Promise<HistoryEntry[]> {
  const entries: HistoryEntry[] = [];
  for (const ref of index.refs(emailId)) {
    const [recorded] = await store.readAll({ from: ref.position, limit: 1 });
    if (!recorded || recorded.position !== ref.position) continue;
    const event = recorded.event as MailboxEvent;
    const { what, details } = describe(event, ref, names);
    entries.push({
      position: ref.position,
      at: event.meta.at,
      type: event.type,
      what,
      mailboxId: ref.mailboxId,
      mailbox: names(ref.mailboxId),
      uid: ref.uid,
      actor: event.meta.actor,
      details,
    });
  }
  return entries.sort((a, b) => Date.parse(a.at) - Date.parse(b.at) || a.position - b.position);
}

/** "user alice@example.test over imap from 198.51.100.20"; `address` names a user's account. */
export function actorText(actor: Actor, address: (accountId: string) => string | undefined = () => undefined): string {
  const who = [actor.kind, actor.kind === 'user' && actor.id ? address(actor.id) ?? actor.id : actor.id].filter(Boolean).join(' ');
  return [who, actor.protocol && `over ${actor.protocol}`, actor.address && `from ${actor.address}`].filter(Boolean).join(' ');
}
