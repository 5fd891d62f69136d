// A realistic account history with controlled times: alice's "Quarterly plan" is delivered over
// SMTP, read and moved over IMAP, its folder renamed, then it is expunged; bob's busy INBOX is
// noise that an account-and-day query must not read.
import { Readable } from 'node:stream';
import { v7 as uuidv7 } from 'uuid';
import type { Actor, CommandContext } from '../../src/domain/event.ts';
import type { NewMessage } from '../../src/domain/mailbox/decider.ts';
import { receiveMessage } from '../../src/domain/message/intake.ts';
import type { Runtime } from '../../src/frontends/runtime.ts';
import { settled } from '../helpers/runtime.ts';

export const PLAN_MESSAGE_ID = '<plan-2010@example.net>';

export const T = {
  created: '2026-05-18T08:00:00.000Z',
  planDelivered: '2026-05-19T09:00:00.000Z',
  beforeRead: '2026-05-19T09:30:00.000Z',
  read: '2026-05-19T10:00:00.000Z',
  moved: '2026-05-19T11:00:00.000Z',
  beforeRename: '2026-05-19T11:30:00.000Z',
  renamed: '2026-05-19T12:00:00.000Z',
  expunged: '2026-05-19T13:01:00.000Z',
  popped: '2026-05-19T13:30:00.000Z',
} as const;

export type Fixture = Readonly<{
  alice: string;
  bob: string;
  inbox: string;
  notes: string;
  plan: { emailId: string; inboxUid: number; notesUid: number };
  lunch: string;
  invoice: string;
}>;

const at = (runtime: Runtime, now: string, actor: Actor): CommandContext => ({ now, actor, origin: runtime.origin, newId: uuidv7 });
const admin: Actor = { kind: 'admin', id: 'root', protocol: 'cli' };
const smtp: Actor = { kind: 'system', id: 'smtp-mx', protocol: 'smtp', address: '203.0.113.7' };

function raw(subject: string, messageId: string): Buffer {
  return Buffer.from(`From: Carol <carol@example.net>\r\nTo: alice@example.test\r\nSubject: ${subject}\r\nMessage-ID: ${messageId}\r\n\r\n${subject}, the text.\r\n`);
}

async function delivered(runtime: Runtime, subject: string, to: string, messageId = `<${uuidv7()}@example.net>`): Promise<NewMessage> {
  const received = await receiveMessage(runtime.storage.blobs, Readable.from([raw(subject, messageId)]));
  const transactionId = `tx-${subject.replace(/\W/g, '').toLowerCase()}`;
  return { ...received, internalDate: '', flags: [], source: { kind: 'delivery', mailFrom: 'carol@example.net', rcptTo: to, clientAddress: smtp.address!, transactionId } };
}

async function deliverAt(runtime: Runtime, accountId: string, now: string, subject: string, messageId?: string) {
  const message = await delivered(runtime, subject, 'alice@example.test', messageId);
  const done = await runtime.mail.deliver(accountId, { ...message, internalDate: now }, at(runtime, now, smtp));
  return { uid: done.uids[0]!, emailId: done.emailIds[0]! };
}

export async function buildFixture(runtime: Runtime): Promise<Fixture> {
  const { mail, directoryService } = runtime;
  await directoryService.addDomain('example.test', at(runtime, T.created, admin));
  const alice = await directoryService.addUser('alice@example.test', at(runtime, T.created, admin));
  const bob = await directoryService.addUser('bob@example.test', at(runtime, T.created, admin));
  const imap: Actor = { kind: 'user', id: alice, protocol: 'imap', address: '198.51.100.20' };
  const pop3: Actor = { kind: 'user', id: alice, protocol: 'pop3', address: '198.51.100.21' };
  await mail.createMailbox(alice, 'Project Notes 2010', at(runtime, '2026-05-18T08:05:00.000Z', imap));
  for (const [i, hour] of ['09', '10', '11'].entries()) await deliverAt(runtime, alice, `2026-05-18T${hour}:00:00.000Z`, `Old ${i + 1}`);

  const plan = await deliverAt(runtime, alice, T.planDelivered, 'Quarterly plan', PLAN_MESSAGE_ID);
  const lunch = await deliverAt(runtime, alice, '2026-05-19T09:05:00.000Z', 'Lunch');
  const invoice = await deliverAt(runtime, alice, '2026-05-19T09:06:00.000Z', 'Invoice');

  // Bob's busy day, and the day after: many events in the same log.
  const bobInbox = (await mail.mailbox(bob, 'INBOX')).mailboxId;
  const noise = await delivered(runtime, 'Newsletter', 'bob@example.test');
  for (const [day, hour] of [['19', '09'], ['19', '14'], ['20', '09'], ['20', '14']] as const) {
    const now = `2026-05-${day}T${hour}:30:00.000Z`;
    await mail.append(bobInbox, Array.from({ length: 60 }, () => ({ ...noise, internalDate: now })), at(runtime, now, smtp));
  }

  const inbox = (await mail.mailbox(alice, 'INBOX')).mailboxId;
  const notes = (await mail.mailbox(alice, 'Project Notes 2010')).mailboxId;
  await mail.store(inbox, [plan.uid], 'add', ['\\Seen'], at(runtime, T.read, imap));
  await mail.store(inbox, [lunch.uid], 'add', ['\\Flagged'], at(runtime, '2026-05-19T10:05:00.000Z', imap));
  await settled(runtime);
  const moved = await mail.move(inbox, [plan.uid], notes, at(runtime, T.moved, imap));
  await mail.renameMailbox(alice, 'Project Notes 2010', 'Projects 2010', at(runtime, T.renamed, imap));
  await mail.store(notes, moved.uids, 'add', ['\\Deleted'], at(runtime, '2026-05-19T13:00:00.000Z', imap));
  await mail.expunge(notes, moved.uids, 'expunge', at(runtime, T.expunged, imap));
  await mail.expunge(inbox, [invoice.uid], 'pop3', at(runtime, T.popped, pop3));
  await settled(runtime);
  return {
    alice,
    bob,
    inbox,
    notes,
    plan: { emailId: plan.emailId, inboxUid: plan.uid, notesUid: moved.uids[0]! },
    lunch: lunch.emailId,
    invoice: invoice.emailId,
  };
}
