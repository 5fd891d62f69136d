// `npm run bench:merge`: two stores of BENCH_MESSAGES messages (default 100,000; `--quick`: 10,000)
// that diverged by about 10%, merged by `postlog merge` and, on the equivalent pair of Maildirs, by
// Dovecot's `doveadm sync`, with time, messages/s and a correctness table for both.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { v7 as uuidv7 } from 'uuid';
import { openRuntime, type Runtime } from '../src/frontends/runtime.ts';
import { commandContext } from '../src/frontends/context.ts';
import { receiveMessage } from '../src/domain/message/intake.ts';
import type { NewMessage } from '../src/domain/mailbox/decider.ts';
import { deliveryEmailId } from '../src/domain/mailbox/email-id.ts';
import { doveadmMissing, Maildirs } from './merge-dovecot.ts';
import type { MergeRun } from './merge-postlog.ts';

const N = Number(process.env.BENCH_MESSAGES ?? (process.argv.includes('--quick') ? 10_000 : 100_000));
/** merges of fresh copies of the same pair, per system: on a shared machine one run says little */
const ROUNDS = Math.max(1, Number(process.env.BENCH_ROUNDS ?? 1));
const USER = 'bench@example.test';
const T0 = Date.parse('2026-05-01T00:00:00Z');
const out = (line = '') => process.stdout.write(line + '\n');

// --- the scenario, as plain data, the same for both systems ------------------------------------
let seed = 42;
const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
const pick = (from: number[], n: number) => {
  const chosen = new Set<number>();
  while (chosen.size < n) chosen.add(from[Math.floor(random() * from.length)]!);
  return [...chosen];
};
const base = Array.from({ length: N }, (_, i) => i + 1);
const count = (share: number) => Math.max(1, Math.round(N * share));
const scenario = {
  newA: Array.from({ length: count(0.04) }, (_, i) => `a-${i + 1}`),
  newB: Array.from({ length: count(0.04) }, (_, i) => `b-${i + 1}`),
  both: Array.from({ length: count(0.005) }, (_, i) => `both-${i + 1}`),
  expungeA: pick(base, count(0.01)),
  expungeB: pick(base, count(0.005)),
  flagA: pick(base, count(0.01)),
  flagB: pick(base, count(0.01)),
};
const baseFlags = (i: number) => (i % 3 === 0 ? ['\\Seen'] : []);
const raw = (subject: string, i: number) =>
  Buffer.from(`From: sender${i % 97}@example.net\r\nTo: ${USER}\r\nSubject: ${subject}\r\nMessage-ID: <${subject}@example.net>\r\nDate: ${new Date(T0 + i * 1000).toUTCString()}\r\n\r\nmessage ${subject}\r\n`);
const deleted = new Set([...scenario.expungeA, ...scenario.expungeB].map((i) => `base-${i}`));
const expected = new Set([...base.map((i) => `base-${i}`).filter((s) => !deleted.has(s)), ...scenario.newA, ...scenario.newB, ...scenario.both]);

type Row = { system: string; seconds: number; messages: number; lost: number; duplicated: number; resurrected: number; renumbered: number };

/** Runs `merge` on a fresh copy of the pair each round; the median time, the last round's result. */
async function rounds(system: string, merge: (round: number) => Promise<{ seconds: number; result: { uid: number; subject: string }[] }>) {
  const times: number[] = [];
  let result: { uid: number; subject: string }[] = [];
  for (let round = 1; round <= ROUNDS; round++) {
    const run = await merge(round);
    times.push(run.seconds);
    result = run.result;
  }
  if (ROUNDS > 1) out(`${system}: ${times.map((t) => t.toFixed(2)).join(', ')} s`);
  return { seconds: times.sort((x, y) => x - y)[Math.floor((times.length - 1) / 2)]!, result };
}

function judge(system: string, seconds: number, result: { uid: number; subject: string }[], before: { uid: number; subject: string }[][]): Row {
  const seen = new Map<string, number>();
  for (const m of result) seen.set(m.subject, (seen.get(m.subject) ?? 0) + 1);
  const had = new Set(before.flatMap((list) => list.map((m) => `${m.uid} ${m.subject}`)));
  return {
    system,
    seconds,
    messages: result.length,
    lost: [...expected].filter((s) => !seen.has(s)).length,
    duplicated: [...seen.values()].reduce((n, c) => n + c - 1, 0),
    resurrected: [...deleted].filter((s) => seen.has(s)).length,
    renumbered: result.filter((m) => !had.has(`${m.uid} ${m.subject}`)).length,
  };
}

// --- postlog -------------------------------------------------------------------------------------
const ctxOf = (r: Runtime, minute = 0) => ({ ...commandContext({ kind: 'admin', protocol: 'bench' }, r.origin), now: new Date(T0 + minute * 60_000).toISOString() });

async function deliver(r: Runtime, inbox: string, subjects: string[], first: number, flags: (i: number) => string[], minute: number) {
  for (let i = 0; i < subjects.length; i += 1000) {
    const batch = subjects.slice(i, i + 1000);
    const messages: NewMessage[] = await Promise.all(
      batch.map(async (subject, j) => {
        const received = await receiveMessage(r.storage.blobs, Readable.from([raw(subject, first + i + j)]));
        const source = { kind: 'delivery' as const, mailFrom: 'sender@example.net', rcptTo: USER, clientAddress: '192.0.2.1', transactionId: `tx-${subject}` };
        return { ...received, internalDate: new Date(T0 + (first + i + j) * 1000).toISOString(), flags: flags(first + i + j), source };
      }),
    );
    await r.mail.append(inbox, messages, ctxOf(r, minute));
  }
}

/**
 * SMTP transactions delivered to the account on this store as SMTP DATA delivers them (content
 * hash, and the emailId MailService.deliver gives a delivery), in batches: called on both stores,
 * the same transactions.
 */
async function deliverShared(r: Runtime, accountId: string, inbox: string, subjects: string[], first: number, minute: number) {
  const messages: NewMessage[] = await Promise.all(
    subjects.map(async (subject, j) => {
      const bytes = raw(subject, first + j);
      const received = await receiveMessage(r.storage.blobs, Readable.from([bytes]));
      const contentHash = createHash('sha256').update(bytes).digest('hex');
      const source = { kind: 'delivery' as const, mailFrom: 'sender@example.net', rcptTo: USER, clientAddress: '192.0.2.1', transactionId: `tx-${subject}`, contentHash };
      const emailId = deliveryEmailId(accountId, source, received.blobId);
      return { ...received, emailId, internalDate: new Date(T0 + (first + j) * 1000).toISOString(), flags: [], source };
    }),
  );
  await r.mail.append(inbox, messages, ctxOf(r, minute));
}

async function listPostlog(dir: string): Promise<{ uid: number; subject: string }[]> {
  const r = await openRuntime(dir);
  try {
    const accountId = (await r.mail.accountOf(USER))!;
    const inbox = await r.mail.mailbox(accountId, 'INBOX');
    return r.mailboxes.messages(inbox.mailboxId).map((m) => ({ uid: m.uid, subject: m.summary.subject ?? '' }));
  } finally {
    await r.close();
  }
}

async function postlog(root: string): Promise<Row> {
  const keep = process.env.BENCH_KEEP;
  if (keep) return postlogMerge(join(keep, 'A'), join(keep, 'B'), [await listPostlog(join(keep, 'A')), await listPostlog(join(keep, 'B'))]);
  const [dirA, dirB] = [join(root, 'A'), join(root, 'B')];
  let started = performance.now();
  const a = await openRuntime(dirA);
  await a.directoryService.addDomain('example.test', ctxOf(a));
  const accountId = await a.directoryService.addUser(USER, ctxOf(a), { password: 'bench' });
  await deliver(a, (await a.mail.mailbox(accountId, 'INBOX')).mailboxId, base.map((i) => `base-${i}`), 1, baseFlags, 1);
  await a.close();
  cpSync(dirA, dirB, { recursive: true });
  writeFileSync(join(dirB, 'node-id'), `node-${uuidv7()}\n`);
  for (const side of ['A', 'B'] as const) {
    const r = await openRuntime(side === 'A' ? dirA : dirB);
    const inbox = (await r.mail.mailbox(accountId, 'INBOX')).mailboxId;
    await deliverShared(r, accountId, inbox, scenario.both, N + 1, 100);
    await deliver(r, inbox, side === 'A' ? scenario.newA : scenario.newB, N + 1000, () => [], 200);
    if (side === 'A') await r.mail.store(inbox, scenario.flagA, 'add', ['\\Flagged'], ctxOf(r, 300));
    else await r.mail.store(inbox, scenario.flagB, 'remove', ['\\Seen'], ctxOf(r, 310));
    await r.mail.expunge(inbox, side === 'A' ? scenario.expungeA : scenario.expungeB, 'expunge', ctxOf(r, 400));
    await r.close();
  }
  out(`postlog: built A and B in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  const before = [await listPostlog(dirA), await listPostlog(dirB)];
  if (process.env.BENCH_SAVE) {
    cpSync(dirA, join(process.env.BENCH_SAVE, 'A'), { recursive: true });
    cpSync(dirB, join(process.env.BENCH_SAVE, 'B'), { recursive: true });
  }
  return postlogMerge(dirA, dirB, before);
}

async function postlogMerge(dirA: string, dirB: string, before: { uid: number; subject: string }[][]): Promise<Row> {
  const pristine = ROUNDS > 1 ? `${dirA}-pristine` : undefined;
  if (pristine) for (const d of [dirA, dirB]) cpSync(d, `${pristine}${d === dirA ? 'A' : 'B'}`, { recursive: true });
  const { seconds, result } = await rounds('postlog merge', async (round) => {
    if (pristine && round > 1) {
      for (const d of [dirA, dirB]) rmSync(d, { recursive: true, force: true });
      for (const d of [dirA, dirB]) cpSync(`${pristine}${d === dirA ? 'A' : 'B'}`, d, { recursive: true });
    }
    const child = execFileSync(process.execPath, ['--import', 'tsx', fileURLToPath(new URL('./merge-postlog.ts', import.meta.url)), dirA, dirB], { encoding: 'utf8' });
    const run = JSON.parse(child) as MergeRun;
    out(`postlog: merge ${run.seconds.toFixed(2)} s (${run.appended} events appended, ${run.blobsCopied} blobs copied); read models caught up in ${run.catchUpSeconds.toFixed(2)} s`);
    return { seconds: run.seconds, result: await listPostlog(dirA) };
  });
  return judge('postlog merge', seconds, result, before);
}

// --- Dovecot -------------------------------------------------------------------------------------
const MAILDIR_FLAGS: Record<string, string> = { '\\Seen': 'S', '\\Flagged': 'F' };
const maildirFlags = (flags: string[]) => flags.map((f) => MAILDIR_FLAGS[f]!).sort().join('');

async function dovecot(root: string): Promise<Row> {
  const box = new Maildirs(root);
  let started = performance.now();
  box.create('A');
  const name = (subject: string, i: number, host: string) => `${Math.floor(T0 / 1000) + i}.M${i}P1.${host}-${subject}`;
  for (const i of base) box.write('A', name(`base-${i}`, i, 'mx'), raw(`base-${i}`, i), maildirFlags(baseFlags(i)));
  box.index('A');
  box.copy('A', 'B');
  for (const side of ['A', 'B'] as const) {
    // The same SMTP transaction delivered to each side is a separate delivery there: another file.
    scenario.both.forEach((s, k) => box.write(side, name(s, N + 1 + k, `mx-${side}`), raw(s, N + 1 + k), ''));
    (side === 'A' ? scenario.newA : scenario.newB).forEach((s, k) => box.write(side, name(s, N + 1000 + k, `mx-${side}`), raw(s, N + 1000 + k), ''));
    const files = box.files(side);
    for (const i of side === 'A' ? scenario.flagA : scenario.flagB) {
      const file = files.get(name(`base-${i}`, i, 'mx'))!;
      const flags = side === 'A' ? [...baseFlags(i), '\\Flagged'] : [];
      box.setFlags(side, file, maildirFlags(flags));
    }
    const now = box.files(side);
    for (const i of side === 'A' ? scenario.expungeA : scenario.expungeB) box.remove(side, now.get(name(`base-${i}`, i, 'mx'))!);
    box.index(side);
  }
  out(`dovecot: built A and B in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  const before = [box.list('A'), box.list('B')];
  const { seconds, result } = await rounds('doveadm sync', async (round) => {
    // Each round on its own copy of the pair (Maildirs and Dovecot's indexes in them).
    const copy = box.copyTo(`${root}-${round}`);
    return { seconds: copy.sync(), result: copy.list('A') };
  });
  return judge('doveadm sync', seconds, result, before);
}

// --- run -----------------------------------------------------------------------------------------
out(`merge bench: ${N} messages per store; each side then gets ${scenario.newA.length} new deliveries, ${scenario.both.length} deliveries of the same SMTP transactions on both, flag changes on ${scenario.flagA.length}, ${scenario.expungeA.length} (A) / ${scenario.expungeB.length} (B) expunges`);
const root = mkdtempSync(join(tmpdir(), 'postlog-merge-bench-'));
const rows: Row[] = [];
try {
  rows.push(await postlog(join(root, 'postlog')));
  const missing = doveadmMissing();
  if (missing) out(`doveadm sync: not run: ${missing}`);
  else rows.push(await dovecot(join(root, 'dovecot')));
} finally {
  rmSync(root, { recursive: true, force: true });
}
out();
out(['system', 'seconds', 'messages/s', 'messages', 'lost', 'duplicated', 'resurrected', 'renumbered'].map((h) => h.padEnd(14)).join(''));
for (const r of rows) {
  out([r.system, r.seconds.toFixed(2), Math.round(r.messages / r.seconds), r.messages, r.lost, r.duplicated, r.resurrected, r.renumbered].map((c) => String(c).padEnd(14)).join(''));
}
out(`(expected ${expected.size} messages; messages/s = messages in the merged mailbox / seconds of the merge itself)`);
