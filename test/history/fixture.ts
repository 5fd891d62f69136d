// A realistic account history with controlled times: alice's "Quarterly plan" is delivered over
// SMTP and read over IMAP; the store is then copied (an outage: store B), the plan is moved into
// "Project Notes 2010" on A while B saves another message there under the same UID; the folder is
// renamed, B is merged into A (the plan is renumbered), and the plan is expunged. Bob's busy
// INBOX is noise that an account-and-day query must not read.
import { cpSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { v7 as uuidv7 } from 'uuid';
import type { Actor, CommandContext } from '../../src/domain/event.ts';
import type { NewMessage } from '../../src/domain/mailbox/decider.ts';
import { receiveMessage } from '../../src/domain/message/intake.ts';
import { openRuntime, type Runtime } from '../../src/frontends/runtime.ts';
import { mergeStores } from '../../src/domain/merge/merge-stores.ts';
import { settled } from '../helpers/runtime.ts';

export const PLAN_MESSAGE_ID = '<plan-2010@example.net>';

export const T = {
  created: '2026-05-18T08:00:00.000Z',
  planDelivered: '2026-05-19T09:00:00.000Z',
  beforeRead: '2026-05-19T09:30:00.000Z',
  read: '2026-05-19T10:00:00.000Z',
  moved: '2026-05-19T11:00:00.000Z',
  beforeRename: '2026-05-19T11:30:00.000Z',
  draftOnB: '2026-05-19T11:10:00.000Z',
  renamed: '2026-05-19T12:00:00.000Z',
  merged: '2026-05-19T12:30:00.000Z',
  expunged: '2026-05-19T13:01:00.000Z',
  popped: '2026-05-19T13:30:00.000Z',
} as const;

export type Fixture = Readonly<{
  alice: string;
  bob: string;
  inbox: string;
  notes: string;
  /** notesUid: its UID after the move, which store B gave to another message; renumberedUid: after the merge */
  plan: { emailId: string; inboxUid: number; notesUid: number; renumberedUid: number };
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

/** Builds the history in `dir` (stores A and B below it); returns store A, open and settled. */
export async function buildFixture(dir: string): Promise<{ runtime: Runtime; fx: Fixture }> {
  const dirA = join(dir, 'A');
  let runtime = await openRuntime(dirA, { follow: true });
  const { directoryService } = runtime;
  await directoryService.addDomain('example.test', at(runtime, T.created, admin));
  const alice = await directoryService.addUser('alice@example.test', at(runtime, T.created, admin));
  const bob = await directoryService.addUser('bob@example.test', at(runtime, T.created, admin));
  const imap: Actor = { kind: 'user', id: alice, protocol: 'imap', address: '198.51.100.20' };
  const pop3: Actor = { kind: 'user', id: alice, protocol: 'pop3', address: '198.51.100.21' };
  await runtime.mail.createMailbox(alice, 'Project Notes 2010', at(runtime, '2026-05-18T08:05:00.000Z', imap));
  for (const [i, hour] of ['09', '10', '11'].entries()) await deliverAt(runtime, alice, `2026-05-18T${hour}:00:00.000Z`, `Old ${i + 1}`);

  const plan = await deliverAt(runtime, alice, T.planDelivered, 'Quarterly plan', PLAN_MESSAGE_ID);
  const lunch = await deliverAt(runtime, alice, '2026-05-19T09:05:00.000Z', 'Lunch');
  const invoice = await deliverAt(runtime, alice, '2026-05-19T09:06:00.000Z', 'Invoice');

  // Bob's busy day, and the day after: many events in the same log.
  const bobInbox = (await runtime.mail.mailbox(bob, 'INBOX')).mailboxId;
  const noise = await delivered(runtime, 'Newsletter', 'bob@example.test');
  for (const [day, hour] of [['19', '09'], ['19', '14'], ['20', '09'], ['20', '14']] as const) {
    const now = `2026-05-${day}T${hour}:30:00.000Z`;
    await runtime.mail.append(bobInbox, Array.from({ length: 60 }, () => ({ ...noise, internalDate: now })), at(runtime, now, smtp));
  }

  const inbox = (await runtime.mail.mailbox(alice, 'INBOX')).mailboxId;
  const notes = (await runtime.mail.mailbox(alice, 'Project Notes 2010')).mailboxId;
  await runtime.mail.store(inbox, [plan.uid], 'add', ['\\Seen'], at(runtime, T.read, imap));
  await runtime.mail.store(inbox, [lunch.uid], 'add', ['\\Flagged'], at(runtime, '2026-05-19T10:05:00.000Z', imap));
  await settled(runtime);

  // The outage: B is a copy of A, and both go on.
  await runtime.close();
  const dirB = join(dir, 'B');
  cpSync(dirA, dirB, { recursive: true });
  writeFileSync(join(dirB, 'node-id'), `node-${uuidv7()}\n`);
  runtime = await openRuntime(dirA, { follow: true });
  const b = await openRuntime(dirB, { follow: true });
  const draft = await delivered(b, 'Draft notes', 'alice@example.test');
  await b.mail.append(notes, [{ ...draft, internalDate: T.draftOnB, source: { kind: 'append' } }], at(b, T.draftOnB, { ...imap, address: '198.51.100.99' }));

  const mail = runtime.mail;
  const moved = await mail.move(inbox, [plan.uid], notes, at(runtime, T.moved, imap));
  await mail.renameMailbox(alice, 'Project Notes 2010', 'Projects 2010', at(runtime, T.renamed, imap));
  const merge: Actor = { kind: 'system', id: 'merge', protocol: 'merge', address: 'B' };
  await mergeStores(runtime.storage, b.storage, at(runtime, T.merged, merge), { from: { origin: b.origin, location: 'B' } });
  await b.close();
  await settled(runtime);
  const renumbered = runtime.mailboxes.messages(notes).find((m) => m.emailId === plan.emailId)!.uid;

  await mail.store(notes, [renumbered], 'add', ['\\Deleted'], at(runtime, '2026-05-19T13:00:00.000Z', imap));
  await mail.expunge(notes, [renumbered], 'expunge', at(runtime, T.expunged, imap));
  await mail.expunge(inbox, [invoice.uid], 'pop3', at(runtime, T.popped, pop3));
  await settled(runtime);
  const fx = {
    alice,
    bob,
    inbox,
    notes,
    plan: { emailId: plan.emailId, inboxUid: plan.uid, notesUid: moved.uids[0]!, renumberedUid: renumbered },
    lunch: lunch.emailId,
    invoice: invoice.emailId,
  };
  // As `postlog history` and `audit` do when they open the store: every read model caught up.
  await runtime.runner.settle(await runtime.storage.events.headPosition());
  return { runtime, fx };
}
