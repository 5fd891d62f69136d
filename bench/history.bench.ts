// History, audit and point-in-time figures on a large log: how much one account's day costs
// against the whole log, a message's history, an account as of a moment, a restore, a replay.
// Run: node --import tsx bench/history.bench.ts   (BENCH_ACCOUNTS, BENCH_MESSAGES per account)
import { Readable } from 'node:stream';
import { v7 as uuidv7 } from 'uuid';
import type { Actor, CommandContext } from '../src/domain/event.ts';
import { receiveMessage } from '../src/domain/message/intake.ts';
import { accountAt, restoreAsOf } from '../src/frontends/as-of.ts';
import { openRuntime, type Runtime } from '../src/frontends/runtime.ts';
import { AuditIndex, auditProjection } from '../src/projections/audit-index.ts';
import { HistoryIndex, historyProjection } from '../src/projections/history-index.ts';
import { messageHistory } from '../src/projections/message-history.ts';
import { buildAt } from '../src/projections/point-in-time.ts';
import { tempDir } from '../test/helpers/runtime.ts';
import { projectionDb } from '../src/projections/projection.ts';

const ACCOUNTS = Number(process.env.BENCH_ACCOUNTS ?? 20);
const MESSAGES = Number(process.env.BENCH_MESSAGES ?? 2000);
const DAYS = 20;
const DAY0 = Date.parse('2026-05-01T00:00:00Z');
const smtp: Actor = { kind: 'system', id: 'smtp-mx', protocol: 'smtp', address: '203.0.113.7' };

type Row = { measure: string; ms: number; note: string };
const rows: Row[] = [];
async function timed<T>(measure: string, run: () => Promise<T>, note: (result: T) => string): Promise<T> {
  const started = performance.now();
  const result = await run();
  rows.push({ measure, ms: Math.round(performance.now() - started), note: note(result) });
  return result;
}

const ctxAt = (runtime: Runtime, ms: number, actor: Actor): CommandContext => ({ now: new Date(ms).toISOString(), actor, origin: runtime.origin, newId: uuidv7 });

async function build(runtime: Runtime): Promise<string[]> {
  const admin: Actor = { kind: 'admin', id: 'bench', protocol: 'cli' };
  await runtime.directoryService.addDomain('example.test', ctxAt(runtime, DAY0, admin));
  const received = await receiveMessage(runtime.storage.blobs, Readable.from([Buffer.from('Subject: bench\r\nMessage-ID: <bench@example.net>\r\n\r\nbody\r\n')]));
  const accounts: string[] = [];
  for (let a = 0; a < ACCOUNTS; a++) accounts.push(await runtime.directoryService.addUser(`user${a}@example.test`, ctxAt(runtime, DAY0, admin)));
  const perDay = Math.ceil(MESSAGES / DAYS);
  for (let day = 0; day < DAYS; day++) {
    await Promise.all(
      accounts.map(async (accountId) => {
        const inbox = (await runtime.mail.mailbox(accountId, 'INBOX')).mailboxId;
        const now = DAY0 + day * 86_400_000 + 3_600_000;
        const source = { kind: 'delivery', mailFrom: 'a@example.net', rcptTo: 'x', clientAddress: smtp.address!, transactionId: 't' } as const;
        const messages = Array.from({ length: perDay }, () => ({ ...received, internalDate: new Date(now).toISOString(), flags: [], source }));
        const appended = await runtime.mail.append(inbox, messages, ctxAt(runtime, now, smtp));
        const user: Actor = { kind: 'user', id: accountId, protocol: 'imap', address: '198.51.100.1' };
        await runtime.mail.store(inbox, appended.uids.slice(0, perDay / 2), 'add', ['\\Seen'], ctxAt(runtime, now + 60_000, user));
        await runtime.mail.expunge(inbox, appended.uids.slice(0, 3), 'expunge', ctxAt(runtime, now + 120_000, user));
      }),
    );
  }
  return accounts;
}

const dir = tempDir('postlog-bench-history-');
const runtime = await openRuntime(dir.path, { follow: false });
try {
  const accounts = await timed('append the log', () => build(runtime), () => `${ACCOUNTS} accounts x ${MESSAGES} deliveries, flags, expunges`);
  const head = await runtime.storage.events.headPosition();
  await timed('catch up every projection (history, audit included)', () => runtime.runner.catchUp(), () => `${head} events`);
  for (const name of ['mailboxes', 'history', 'audit']) {
    await timed(`rebuild ${name} alone`, () => runtime.runner.rebuild([name]), () => `${head} events`);
  }
  const audit = new AuditIndex(projectionDb(runtime.storage.root, auditProjection));
  const day = { accountId: accounts[7]!, since: new Date(DAY0 + 10 * 86_400_000).toISOString(), until: new Date(DAY0 + 11 * 86_400_000 - 1).toISOString() };
  await timed("audit: one account's day, from the index", async () => audit.query(day), (r) => `${r.entries.length} entries, ${r.scanned} read`);
  await timed('audit: the same day by scanning the log', async () => {
    let found = 0;
    let read = 0;
    for (let from = 1; ; ) {
      const page = await runtime.storage.events.readAll({ from, limit: 5000 });
      read += page.length;
      found += page.filter((r) => r.event.meta.at >= day.since && r.event.meta.at <= day.until && r.stream.includes('mailbox')).length;
      if (page.length < 5000) return { found, read };
      from = page.at(-1)!.position + 1;
    }
  }, (r) => `${r.read} events read`);
  const history = new HistoryIndex(projectionDb(runtime.storage.root, historyProjection));
  const inbox = (await runtime.mail.mailbox(accounts[7]!, 'INBOX')).mailboxId;
  const emailId = history.emailIdAt(inbox, 1)!;
  await timed('history of one message', () => messageHistory(runtime.storage.events, history, emailId, (id) => id), (r) => `${r.length} events`);
  const asOf = new Date(DAY0 + 10 * 86_400_000).toISOString();
  const at = await timed('show --as-of: one account at day 10', () => accountAt(runtime, accounts[7]!, asOf), (r) => `${r.scanned} events read`);
  await at.close();
  const admin: Actor = { kind: 'admin', id: 'bench', protocol: 'cli' };
  await timed('restore INBOX as of day 10', () => restoreAsOf(runtime, { accountId: accounts[7]!, mailbox: 'INBOX', asOf }, ctxAt(runtime, Date.now(), admin)), (r) => `${r.uids.length} messages`);
  const replay = await timed('replay: every account at day 10', () => buildAt(runtime.storage.events, { at: asOf }), (r) => `${r.scanned} events read`);
  await replay.close();
  for (const r of rows) process.stdout.write(`${r.measure.padEnd(56)} ${String(r.ms).padStart(7)} ms  ${r.note}\n`);
} finally {
  await runtime.close();
  dir.remove();
}
