// The IMAP ENVELOPE (RFC 3501 section 7.4.2) and the decoded fields SEARCH, SORT and THREAD
// use (RFC 3501 section 6.4.4, RFC 5256), read from a message's top-level header.
import { parseAddressList } from './address.ts';
import { parseMessageDate } from './date.ts';
import { decodeEncodedWords } from './encoded-words.ts';
import type { HeaderFields } from './header.ts';
import type { Envelope, EnvelopeAddress, MessageSummary } from './summary.ts';

export const ENVELOPE_HEADERS: ReadonlySet<string> = new Set([
  'date',
  'subject',
  'from',
  'sender',
  'reply-to',
  'to',
  'cc',
  'bcc',
  'in-reply-to',
  'message-id',
  'references',
]);

export type SearchFields = Pick<
  MessageSummary,
  'subject' | 'from' | 'to' | 'cc' | 'sentDate' | 'messageId' | 'inReplyTo' | 'references'
>;

export function readEnvelope(header: HeaderFields): Envelope {
  const from = addresses(header.get('from'));
  return {
    date: header.get('date') ?? null,
    subject: header.get('subject') ?? null,
    from,
    // Absent or empty Sender and Reply-To are taken from From (RFC 3501 section 7.4.2).
    sender: addresses(header.get('sender')) ?? from,
    replyTo: addresses(header.get('reply-to')) ?? from,
    to: addresses(header.get('to')),
    cc: addresses(header.get('cc')),
    bcc: addresses(header.get('bcc')),
    inReplyTo: header.get('in-reply-to') ?? null,
    messageId: header.get('message-id') ?? null,
  };
}

function addresses(value: string | undefined): EnvelopeAddress[] | null {
  if (value === undefined) return null;
  const list = parseAddressList(value);
  return list.length === 0 ? null : list;
}

export function readSearchFields(header: HeaderFields, envelope: Envelope): SearchFields {
  const messageId = header.get('message-id');
  const date = header.get('date');
  return {
    subject: decodeEncodedWords(envelope.subject ?? ''),
    from: formatAddresses(envelope.from),
    to: formatAddresses(envelope.to),
    cc: formatAddresses(envelope.cc),
    sentDate: date === undefined ? null : parseMessageDate(date),
    // A Message-ID without angle brackets is broken but still identifies the message.
    messageId: messageId === undefined ? null : (msgIds(messageId)[0] ?? (messageId === '' ? null : messageId)),
    // In-Reply-To often carries prose ("your message of ..."); only a msg-id is useful to THREAD.
    inReplyTo: msgIds(header.get('in-reply-to') ?? '')[0] ?? null,
    references: msgIds(header.get('references') ?? ''),
  };
}

/** The msg-ids of a field, "<id@host>" each, in order (RFC 5322 section 3.6.4). */
function msgIds(value: string): string[] {
  const ids: string[] = [];
  for (const m of value.matchAll(/<([^<>]*)>/g)) {
    const id = (m[1] ?? '').replace(/\s+/g, '');
    if (id !== '') ids.push(`<${id}>`);
  }
  return ids;
}

/** Decoded "Name <addr>" items joined with ", "; a group reads "Name: member, member;". */
export function formatAddresses(list: readonly EnvelopeAddress[] | null): string {
  const out: string[] = [];
  let group: { name: string; members: string[] } | null = null;
  for (const a of list ?? []) {
    if (a.host === null && a.mailbox !== null) {
      group = { name: decodeEncodedWords(a.mailbox), members: [] };
    } else if (a.host === null) {
      if (group !== null) out.push(formatGroup(group.name, group.members));
      group = null;
    } else if (group !== null) {
      group.members.push(formatAddress(a));
    } else {
      out.push(formatAddress(a));
    }
  }
  return out.join(', ');
}

function formatGroup(name: string, members: readonly string[]): string {
  return members.length === 0 ? `${name}:;` : `${name}: ${members.join(', ')};`;
}

function formatAddress(a: EnvelopeAddress): string {
  const local = a.mailbox ?? '';
  const quoted = /^[\p{L}\p{N}!#$%&'*+\-/=?^_`{|}~.]*$/u.test(local) ? local : `"${local.replace(/(["\\])/g, '\\$1')}"`;
  const addr = a.host === '' || a.host === null ? quoted : `${quoted}@${a.host}`;
  const name = a.name === null ? '' : decodeEncodedWords(a.name);
  if (name === '') return addr;
  return addr === '' ? name : `${name} <${addr}>`;
}
