// LDAP search throughput of the address-book query over 10,000 people: postlog's LDAP front-end
// against OpenLDAP's slapd (Debian) loaded with the same entries, in the same run, with the same
// pipelining client. Each server runs in its own process. Run: npm run bench:ldap
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import pino from 'pino';
import { openRuntime } from '../src/frontends/runtime.ts';
import { loadConfig } from '../src/frontends/config.ts';
import { loadTls } from '../src/frontends/tls.ts';
import { startLdap } from '../src/frontends/ldap/front-end.ts';
import { commandContext } from '../src/frontends/context.ts';
import { directoryDecider } from '../src/domain/directory/decider.ts';
import { DIRECTORY_STREAM } from '../src/domain/directory/events.ts';
import { ADDRESS_BOOK, load, people, SUFFIX, type LoadResult } from './ldap-load.ts';
import { slapdMissing, startSlapd } from './ldap-slapd.ts';

const PEOPLE = 10_000;
const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const LOAD = { connections: 4, window: 4 };
const config = { ...loadConfig(undefined, {}), domains: ['example.org'] };

/** The server role: this file run again in a child process, serving a prepared data directory. */
async function serve(dataDir: string): Promise<void> {
  const runtime = await openRuntime(dataDir, { follow: true, config });
  const started = await startLdap({
    auth: runtime.auth,
    directory: runtime.directory,
    runner: runtime.runner,
    suffix: SUFFIX,
    allowAnonymous: true,
    sizeLimit: 100_000,
    timeLimitSeconds: 60,
    idleTimeoutMs: 600_000,
    tls: await loadTls(config, dataDir),
    logger: pino({ level: 'warn' }),
    host: '127.0.0.1',
    ports: { ldap: 0, ldaps: 0 },
  });
  process.stdout.write(JSON.stringify({ port: started.listeners[0]!.port }) + '\n');
  process.once('SIGTERM', () => void started.close().then(() => runtime.close()).then(() => process.exit(0)));
}

/** Writes the people into a fresh data directory through the directory decider (no mailboxes). */
async function prepare(dataDir: string): Promise<void> {
  const runtime = await openRuntime(dataDir, { config });
  const ctx = commandContext({ kind: 'admin', id: 'bench', protocol: 'cli' }, runtime.origin);
  const started = performance.now();
  await runtime.directoryService.addDomain('example.org', ctx);
  await Promise.all(
    people(PEOPLE).map((p) =>
      runtime.handler.handle(DIRECTORY_STREAM, directoryDecider, {
        type: 'createAccount',
        accountId: ctx.newId(),
        address: p.mail,
        uid: p.uid,
        displayName: `${p.given} ${p.surname}`,
        givenName: p.given,
        surname: p.surname,
        phone: p.phone,
      }, ctx),
    ),
  );
  await runtime.runner.catchUp();
  process.stderr.write(`  postlog: ${PEOPLE} people written to the log and projected in ${((performance.now() - started) / 1000).toFixed(1)} s\n`);
  await runtime.close();
}

async function startPostlog(dataDir: string): Promise<{ port: number; stop(): void }> {
  const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), '--serve', dataDir], { stdio: ['ignore', 'pipe', 'inherit'] });
  const line = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout! }).once('line', resolve);
    child.once('exit', (code) => reject(new Error(`the postlog LDAP server exited (${code})`)));
  });
  return { port: (JSON.parse(line) as { port: number }).port, stop: () => void child.kill('SIGTERM') };
}

async function measure(name: string, port: number): Promise<LoadResult> {
  await load(port, { ...LOAD, seconds: 1 }); // warm-up
  const result = await load(port, { ...LOAD, seconds: SECONDS });
  if (result.failures) throw new Error(`${name}: ${result.failures} searches did not succeed`);
  return result;
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'postlog-ldap-bench-'));
  const rows: { server: string; result: LoadResult }[] = [];
  try {
    process.stderr.write(`LDAP bench: ${PEOPLE} people, query ${ADDRESS_BOOK}, ${LOAD.connections} connections x ${LOAD.window} in flight, ${SECONDS} s each\n`);
    await prepare(join(dir, 'postlog'));
    const postlog = await startPostlog(join(dir, 'postlog'));
    try {
      rows.push({ server: 'postlog (ldapjs, 1 Node process)', result: await measure('postlog', postlog.port) });
    } finally {
      postlog.stop();
    }
    const missing = slapdMissing();
    if (missing) process.stderr.write(`  slapd: not measured: ${missing}\n`);
    else {
      for (const indexed of [false, true]) {
        const slapd = await startSlapd(dir, people(PEOPLE), indexed);
        try {
          rows.push({ server: `OpenLDAP slapd mdb${indexed ? ', sub indexes on cn/sn/givenName/mail' : ', default (objectClass index)'}`, result: await measure('slapd', slapd.port) });
        } finally {
          slapd.stop();
        }
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const base = rows[0]!.result;
  process.stdout.write('\n| server | searches/s | entries per search | entries/s | postlog / this |\n| --- | ---: | ---: | ---: | ---: |\n');
  for (const { server, result } of rows) {
    const rate = result.searches / result.seconds;
    const ratio = (base.searches / base.seconds) / rate;
    process.stdout.write(`| ${server} | ${rate.toFixed(0)} | ${result.entriesPerSearch.toFixed(0)} | ${(result.entries / result.seconds).toFixed(0)} | ${ratio.toFixed(2)} |\n`);
  }
  const counts = new Set(rows.map((r) => r.result.entriesPerSearch.toFixed(2)));
  if (counts.size > 1) process.stdout.write('\nwarning: the servers returned different numbers of entries per search\n');
}

if (process.argv[2] === '--serve') await serve(process.argv[3]!);
else await main();
