// Small builders for mailbox tests: a minimal message summary and appended events.
import { eventOf, type CommandContext } from '../event.ts';
import type { MessageSummary } from '../message/summary.ts';
import type { MailboxEvent, MessageAppended } from './events.ts';
import type { NewMessage } from './decider.ts';
import { testContext } from '../testing.ts';

export const emptySummary: MessageSummary = {
  envelope: {
    date: null, subject: null, from: null, sender: null, replyTo: null,
    to: null, cc: null, bcc: null, inReplyTo: null, messageId: null,
  },
  body: {
    type: 'text', subtype: 'plain', params: [['charset', 'us-ascii']], id: null, description: null,
    encoding: '7bit', md5: null, disposition: null, language: null, location: null,
    headerStart: 0, bodyStart: 0, bodyEnd: 0, size: 0, lines: 0,
  },
  size: 0, headerSize: 0, subject: '', from: '', to: '', cc: '',
  sentDate: null, messageId: null, inReplyTo: null, references: [],
};

export function newMessage(overrides: Partial<NewMessage> = {}): NewMessage {
  return {
    blobId: 'b'.repeat(64),
    size: 100,
    internalDate: '2026-05-19T10:00:00.000Z',
    flags: [],
    summary: emptySummary,
    source: { kind: 'append' },
    ...overrides,
  };
}

const ctx: CommandContext = testContext('2026-05-01T00:00:00.000Z', 'given');

export function initialized(mailboxId = 'mb1', uidValidity = 1000): MailboxEvent {
  return eventOf('MailboxInitialized', { mailboxId, accountId: 'acc1', uidValidity }, ctx);
}

export function appended(uid: number, modseq: number, extra: Partial<MessageAppended['data']> = {}): MailboxEvent {
  return eventOf(
    'MessageAppended',
    {
      mailboxId: 'mb1', uid, modseq, emailId: `e${uid}`, blobId: 'b'.repeat(64), size: 100,
      internalDate: '2026-05-19T10:00:00.000Z', flags: [], summary: emptySummary, source: { kind: 'append' as const },
      ...extra,
    },
    ctx,
  );
}
