// POP3 retrieval, postlog against Dovecot's pop3d from Debian, in the same run on loopback:
// 10 concurrent clients, each its own user, each session login, STAT, UIDL, RETR every message,
// QUIT; messages from the SpamAssassin corpus. Prints msgs/s, RETR latency and the ratio.
// POP3_BENCH_MESSAGES (per user, default 200) and POP3_BENCH_ROUNDS (default 3) size the run.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { benchUser, session, type SessionTimes } from './pop3-client.ts';
import { loadCorpus, messagesOf } from './pop3-corpus.ts';
import { dovecotMissing, startDovecot, type RunningServer } from './dovecot.ts';

const CLIENTS = 10;
const PER_USER = Number(process.env.POP3_BENCH_MESSAGES ?? 200);
const ROUNDS = Number(process.env.POP3_BENCH_ROUNDS ?? 3);
const PASSWORD = 'bench-password';

type Result = {
  name: string;
  messages: number;
  bytes: number;
  /** whole sessions: login to QUIT, all rounds */
  seconds: number;
  /** the retrieval phases only (STAT to QUIT) of each round, added up */
  retrievalSeconds: number;
  retr: number[];
  login: number[];
  perUserBytes: number[];
};

async function startPostlog(dir: string): Promise<RunningServer> {
  const script = fileURLToPath(new URL('./pop3-postlog.ts', import.meta.url));
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', script, dir, PASSWORD, String(CLIENTS), String(PER_USER)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const line = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout! }).once('line', resolve);
    child.once('exit', (code) => reject(new Error(`postlog exited with ${code}`)));
  });
  return {
    name: 'postlog',
    port: (JSON.parse(line) as { pop3: number }).pop3,
    pid: child.pid!,
    stop: () =>
      new Promise((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

async function measure(server: RunningServer): Promise<Result> {
  // Warm-up (untimed): every maildrop opened once, so both servers have their indexes.
  const warm = await Promise.all(Array.from({ length: CLIENTS }, (_, u) => session(server.port, benchUser(u), PASSWORD)));
  for (const w of warm) if (w.retrMs.length !== PER_USER) throw new Error(`${server.name}: a maildrop has ${w.retrMs.length} messages, not ${PER_USER}`);
  const all: SessionTimes[] = [];
  let retrievalMs = 0;
  const started = performance.now();
  for (let round = 0; round < ROUNDS; round++) {
    const sessions = await Promise.all(Array.from({ length: CLIENTS }, (_, u) => session(server.port, benchUser(u), PASSWORD)));
    retrievalMs += Math.max(...sessions.map((s) => s.retrievalEnd)) - Math.min(...sessions.map((s) => s.retrievalStart));
    all.push(...sessions);
  }
  const seconds = (performance.now() - started) / 1000;
  return {
    name: server.name,
    messages: all.reduce((n, s) => n + s.retrMs.length, 0),
    bytes: all.reduce((n, s) => n + s.bytes, 0),
    seconds,
    retrievalSeconds: retrievalMs / 1000,
    retr: all.flatMap((s) => s.retrMs).sort((a, b) => a - b),
    login: all.map((s) => s.loginMs).sort((a, b) => a - b),
    perUserBytes: warm.map((w) => w.bytes),
  };
}

const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
const ms = (n: number) => n.toFixed(2).padStart(7);

function report(r: Result): string {
  return [
    r.name.padEnd(8),
    `sessions ${(r.messages / r.seconds).toFixed(0).padStart(6)} msgs/s`,
    `retrieval ${(r.messages / r.retrievalSeconds).toFixed(0).padStart(6)} msgs/s ${(r.bytes / r.retrievalSeconds / 1e6).toFixed(1).padStart(5)} MB/s`,
    `RETR p50 ${ms(pct(r.retr, 50))} p95 ${ms(pct(r.retr, 95))} p99 ${ms(pct(r.retr, 99))} ms`,
    `login p50 ${ms(pct(r.login, 50))} ms`,
  ].join('  ');
}

const corpus = loadCorpus(CLIENTS * PER_USER);
const corpusBytes = corpus.reduce((n, m) => n + m.length, 0);
console.log(`POP3 retrieval: ${CLIENTS} concurrent clients, ${PER_USER} messages each (SpamAssassin corpus, ${(corpusBytes / CLIENTS / PER_USER / 1024).toFixed(1)} KiB average), ${ROUNDS} timed rounds after a warm-up`);

const results: Result[] = [];
const dirs: string[] = [];
const temp = (name: string) => {
  const dir = mkdtempSync(join(tmpdir(), `postlog-bench-${name}-`));
  dirs.push(dir);
  return dir;
};
try {
  const postlog = await startPostlog(temp('postlog'));
  try {
    results.push(await measure(postlog));
  } finally {
    await postlog.stop();
  }
  console.log(report(results[0]!));

  const missing = dovecotMissing('pop3');
  if (missing) {
    console.log(`dovecot   not run: ${missing}`);
  } else {
    const mailboxes = new Map(Array.from({ length: CLIENTS }, (_, u) => [benchUser(u), messagesOf(corpus, u, PER_USER)] as const));
    const dovecot = await startDovecot({
      protocol: 'pop3',
      dir: temp('dovecot'),
      users: [...mailboxes.keys()],
      password: PASSWORD,
      mailboxes,
      settings: 'pop3_uidl_format = %08Xu%08Xv',
    });
    try {
      results.push(await measure(dovecot));
    } finally {
      await dovecot.stop();
    }
    console.log(report(results[1]!));
    const [p, d] = results as [Result, Result];
    const same = p.perUserBytes.every((b, u) => b === d.perUserBytes[u]);
    const ratio = (a: number, b: number) => `${(a / b).toFixed(2)}x`;
    console.log(
      `ratio postlog/dovecot: sessions ${ratio(p.messages / p.seconds, d.messages / d.seconds)} msgs/s, ` +
        `retrieval ${ratio(p.messages / p.retrievalSeconds, d.messages / d.retrievalSeconds)} msgs/s, ` +
        `RETR p50 latency ${ratio(pct(p.retr, 50), pct(d.retr, 50))}, login p50 ${ratio(pct(p.login, 50), pct(d.login, 50))}`,
    );
    console.log('(logins verify a memory-hard hash on both: postlog scrypt N=2^15 r=8, dovecot ARGON2ID as doveadm makes it)');
    console.log(`same bytes on the wire for every maildrop: ${same ? 'yes' : `no (postlog ${p.perUserBytes.join(',')} / dovecot ${d.perUserBytes.join(',')})`}`);
  }
} finally {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
}
