// The outage fixture: store A with a user and a few hundred messages, copied to B while closed;
// then both diverge for a simulated week. Every message's Subject is unique, so tests can say
// exactly which messages must be where.
import { cpSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { v7 as uuidv7 } from 'uuid';
import { openRuntime, type Runtime } from '../../src/frontends/runtime.ts';
import type { CommandContext } from '../../src/domain/event.ts';
import { receiveMessage } from '../../src/domain/message/intake.ts';
import type { NewMessage } from '../../src/domain/mailbox/decider.ts';
import type { MessageSource } from '../../src/domain/mailbox/events.ts';
import { uidls } from '../../src/domain/mailbox/uidl.ts';
import { mergeStores, readStreams, type MergeReport } from '../../src/domain/merge/merge-stores.ts';
import { accountStreams } from '../../src/domain/merge/portable.ts';
import { commandContext } from '../../src/frontends/context.ts';
import { openMergeSource } from '../../src/frontends/merge-source.ts';
import { ResendGuard } from '../../src/frontends/smtp/dedup.ts';
import { Deliverer } from '../../src/frontends/smtp/delivery.ts';
import { writeExport } from '../../src/store/portable/writer.ts';

export const USER = 'carol@example.test';
export const PASSWORD = 'secret';
export const PROJECT = 'Project Notes 2010';
export const RENAMED = 'Project Notes 2010 (old)';
export const OPPOSITE_1 = ['inbox-20', 'inbox-21', 'inbox-22', 'inbox-23', 'inbox-24', 'inbox-25'];
export const OPPOSITE_2 = ['inbox-26', 'inbox-27', 'inbox-28', 'inbox-29', 'inbox-30'];
export const OPPOSITE_3 = ['inbox-43', 'inbox-44', 'inbox-45'];
/** the Message-ID two distinct messages share */
export const TWIN = 'twin@example.net';
const DAY0 = Date.parse('2026-05-01T08:00:00Z');

export function at(minutes: number): string {
  return new Date(DAY0 + minutes * 60_000).toISOString();
}

export function ctxAt(runtime: Runtime, now: string): CommandContext {
  return { now, actor: { kind: 'user', id: 'carol', protocol: 'imap' }, origin: runtime.origin, newId: uuidv7 };
}

export function raw(subject: string, messageId = `${subject}@example.net`): Buffer {
  return Buffer.from(`From: someone@example.net\r\nTo: ${USER}\r\nSubject: ${subject}\r\nMessage-ID: <${messageId}>\r\n\r\nbody of ${subject}\r\n`);
}

export async function message(runtime: Runtime, subject: string, minute: number, flags: string[] = [], source?: MessageSource): Promise<NewMessage> {
  const received = await receiveMessage(runtime.storage.blobs, Readable.from([raw(subject)]));
  const trace: MessageSource = source ?? { kind: 'delivery', mailFrom: 'someone@example.net', rcptTo: USER, clientAddress: '192.0.2.1', transactionId: `tx-${subject}` };
  return { ...received, internalDate: at(minute), flags, source: trace };
}

/**
 * Delivers `subject` the way SMTP DATA does (trace fields, content hash, the delivery's emailId)
 * as SMTP transaction `tx-<subject>`: called on two stores, it is one transaction delivered to each.
 */
export async function deliverSmtp(runtime: Runtime, accountId: string, subject: string, messageId?: string): Promise<void> {
  const deliverer = new Deliverer(runtime, new ResendGuard(runtime.resends, runtime.runner, 0), 1 << 20);
  const clientAddress = '192.0.2.1';
  const trace = { helo: 'mx.example.net', clientAddress, hostname: 'mail.example.test', secure: false, authenticated: false, smtpUtf8: false };
  const actor = { kind: 'system', id: 'smtp-mx', protocol: 'smtp', address: clientAddress } as const;
  const targets = [{ kind: 'local', rcptTo: USER, accountIds: [accountId] } as const];
  const tx = { transactionId: `tx-${subject}`, mailFrom: 'someone@example.net', targets, clientAddress, actor, trace };
  const outcome = await deliverer.receive(Readable.from([raw(subject, messageId)]), tx);
  if (outcome.delivered !== 1) throw new Error(`${subject}: delivered to ${outcome.delivered} accounts`);
}

export async function mailboxId(runtime: Runtime, accountId: string, name: string): Promise<string> {
  return (await runtime.mail.mailbox(accountId, name)).mailboxId;
}

export async function put(runtime: Runtime, accountId: string, name: string, subjects: string[], minute: number, flags: (i: number) => string[] = () => []) {
  const id = await mailboxId(runtime, accountId, name);
  const messages = await Promise.all(subjects.map((s, i) => message(runtime, s, minute + i, flags(i))));
  return runtime.mail.append(id, messages, ctxAt(runtime, at(minute + subjects.length)));
}

export type Snapshot = Map<string, { uidValidity: number; mailboxId: string; messages: { uid: number; emailId: string; flags: string[]; subject: string; internalDate: string; uidl: string }[] }>;

/** Every mailbox of the account by name, as the read models show it. */
export async function snapshot(runtime: Runtime, accountId: string): Promise<Snapshot> {
  await runtime.runner.catchUp();
  const out: Snapshot = new Map();
  for (const folder of runtime.accounts.tree(accountId)) {
    if (!folder.mailboxId) continue;
    const records = runtime.mailboxes.messages(folder.mailboxId);
    const ids = uidls(records);
    out.set(folder.name, {
      uidValidity: folder.uidValidity!,
      mailboxId: folder.mailboxId,
      messages: records.map((m, i) => ({
        uid: m.uid,
        emailId: m.emailId,
        flags: [...m.flags].sort(),
        subject: m.summary.subject ?? '',
        internalDate: m.internalDate,
        uidl: ids[i]!,
      })),
    });
  }
  return out;
}

/** (uid, emailId, flags) per mailbox name: what "the same mailbox contents" means. */
export function contents(s: Snapshot): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const [name, m] of s) out[name] = m.messages.map((x) => `${x.uid} ${x.emailId} ${x.flags.join(',')}`);
  return out;
}

export type Outage = { accountId: string; dirA: string; dirB: string; before: Snapshot; deleted: Set<string>; expected: Map<string, Set<string>> };

/** Builds A, copies it to B, diverges both. Leaves both stores closed. */
export async function buildOutage(root: string, size = { inbox: 150, sent: 60, drafts: 10, project: 80 }): Promise<Outage> {
  const dirA = join(root, 'A');
  const dirB = join(root, 'B');
  const a = await openRuntime(dirA);
  await a.directoryService.addDomain('example.test', ctxAt(a, at(0)));
  const accountId = await a.directoryService.addUser(USER, ctxAt(a, at(0)), { password: PASSWORD });
  await a.mail.createMailbox(accountId, PROJECT, ctxAt(a, at(1)));
  const names = (p: string, n: number) => Array.from({ length: n }, (_, i) => `${p}-${i + 1}`);
  await put(a, accountId, 'INBOX', names('inbox', size.inbox), 10, (i) => (i % 3 === 0 ? ['\\Seen'] : []));
  await put(a, accountId, 'Sent', names('sent', size.sent), 400, () => ['\\Seen']);
  await put(a, accountId, 'Drafts', names('draft', size.drafts), 500, () => ['\\Draft']);
  await put(a, accountId, PROJECT, names('project', size.project), 600, (i) => (i % 2 ? ['\\Seen', 'work'] : ['\\Flagged']));
  const before = await snapshot(a, accountId);
  await a.close();
  cpSync(dirA, dirB, { recursive: true });
  writeFileSync(join(dirB, 'node-id'), `node-${uuidv7()}\n`);

  // The simulated week: A and B each written on their own.
  const week = 7 * 24 * 60;
  const [ra, rb] = [await openRuntime(dirA), await openRuntime(dirB)];
  const deleted = new Set<string>();
  const expected = new Map<string, Set<string>>();
  for (const [name, m] of before) expected.set(name, new Set(m.messages.map((x) => x.subject)));
  const expect = (name: string, subjects: string[]) => subjects.forEach((s) => expected.get(name)!.add(s));
  const forget = (name: string, subjects: string[]) => subjects.forEach((s) => (expected.get(name)!.delete(s), deleted.add(s)));
  const uidsOf = async (r: Runtime, name: string, subjects: string[]) => {
    const s = await snapshot(r, accountId);
    return s.get(name)!.messages.filter((m) => subjects.includes(m.subject)).map((m) => m.uid);
  };

  // Deliveries on both, some of one SMTP transaction delivered to each (same bytes, same transaction).
  const both = names('both', 5);
  for (const r of [ra, rb]) for (const s of both) await deliverSmtp(r, accountId, s);
  expect('INBOX', both);
  // Two messages with one Message-ID, each its own transaction to one store: both are kept.
  await deliverSmtp(ra, accountId, 'twin-a', TWIN);
  await deliverSmtp(rb, accountId, 'twin-b', TWIN);
  expect('INBOX', ['twin-a', 'twin-b']);
  await put(ra, accountId, 'INBOX', names('a-new', 20), week + 100);
  await put(rb, accountId, 'INBOX', names('b-new', 15), week + 200);
  expect('INBOX', [...names('a-new', 20), ...names('b-new', 15)]);

  // Flags on both; on inbox-20..25 and inbox-26..30 in opposite directions, the later one winning.
  const inbox = async (r: Runtime) => mailboxId(r, accountId, 'INBOX');
  const store = async (r: Runtime, subjects: string[], mode: 'add' | 'remove', flag: string, minute: number) =>
    r.mail.store(await inbox(r), await uidsOf(r, 'INBOX', subjects), mode, [flag], ctxAt(r, at(minute)));
  await store(ra, names('inbox', 10), 'add', '\\Seen', week + 300);
  await store(rb, names('inbox', 15).slice(4), 'add', '\\Flagged', week + 301);
  // Opposite directions on the same flag: B adds then removes \Answered around A's add (B's
  // removal is the latest: absent); A adds then removes "urgent" around B's add (absent); on
  // inbox-43..45 A adds then removes "later" before B adds it (present).
  await store(rb, OPPOSITE_1, 'add', '\\Answered', week + 305);
  await store(ra, OPPOSITE_1, 'add', '\\Answered', week + 310);
  await store(rb, OPPOSITE_1, 'remove', '\\Answered', week + 320);
  await store(ra, OPPOSITE_2, 'add', 'urgent', week + 325);
  await store(rb, OPPOSITE_2, 'add', 'urgent', week + 330);
  await store(ra, OPPOSITE_2, 'remove', 'urgent', week + 340);
  await store(ra, OPPOSITE_3, 'add', 'later', week + 345);
  await store(ra, OPPOSITE_3, 'remove', 'later', week + 348);
  await store(rb, OPPOSITE_3, 'add', 'later', week + 350);

  // Deletions on A of messages B still has, and a couple on B.
  const gone = names('inbox', 40).slice(30);
  await ra.mail.expunge(await inbox(ra), await uidsOf(ra, 'INBOX', gone), 'expunge', ctxAt(ra, at(week + 400)));
  forget('INBOX', gone);
  await rb.mail.expunge(await inbox(rb), await uidsOf(rb, 'INBOX', ['inbox-41', 'inbox-42']), 'expunge', ctxAt(rb, at(week + 410)));
  forget('INBOX', ['inbox-41', 'inbox-42']);

  // A folder renamed on B while A keeps writing into it.
  await rb.mail.renameMailbox(accountId, PROJECT, RENAMED, ctxAt(rb, at(week + 500)));
  await put(ra, accountId, PROJECT, names('project-a', 5), week + 510);
  expected.set(RENAMED, expected.get(PROJECT)!);
  expected.delete(PROJECT);
  expect(RENAMED, names('project-a', 5));

  // Drafts saved and deleted on both.
  await put(ra, accountId, 'Drafts', names('a-draft', 3), week + 600, () => ['\\Draft']);
  await put(rb, accountId, 'Drafts', names('b-draft', 2), week + 610, () => ['\\Draft']);
  const drafts = async (r: Runtime) => mailboxId(r, accountId, 'Drafts');
  await ra.mail.expunge(await drafts(ra), await uidsOf(ra, 'Drafts', ['a-draft-1', 'draft-1']), 'expunge', ctxAt(ra, at(week + 620)));
  await rb.mail.expunge(await drafts(rb), await uidsOf(rb, 'Drafts', ['b-draft-2', 'draft-2']), 'expunge', ctxAt(rb, at(week + 630)));
  expect('Drafts', ['a-draft-2', 'a-draft-3', 'b-draft-1']);
  forget('Drafts', ['a-draft-1', 'draft-1', 'b-draft-2', 'draft-2']);

  await ra.close();
  await rb.close();
  return { accountId, dirA, dirB, before, deleted, expected };
}

/** `postlog merge --from` in this process (the CLI is tested by spawning it where that matters). */
export async function mergeInto(dir: string, from: string, dryRun = false): Promise<MergeReport> {
  const r = await openRuntime(dir);
  try {
    const source = await openMergeSource(from);
    try {
      const ctx = commandContext({ kind: 'system', id: 'merge', protocol: 'merge' }, r.origin);
      return await mergeStores(r.storage, source, ctx, { dryRun, from: { origin: source.origin, location: from } });
    } finally {
      await source.close();
    }
  } finally {
    await r.close();
  }
}

/** `postlog export` in this process. */
export async function exportTo(dir: string, file: string, account?: string): Promise<void> {
  const r = await openRuntime(dir);
  try {
    const all = await readStreams(r.storage.events);
    const streams = account ? accountStreams(all, account) : all;
    await writeExport(file, { origin: r.origin, account: account ?? null, streams, blobs: r.storage.blobs, now: new Date().toISOString() });
  } finally {
    await r.close();
  }
}
