// A POP3 server on 127.0.0.1 port 0, started in-process on a temporary data directory, with
// helpers to add users and deliver messages the way SMTP's local delivery does.
import { randomUUID } from 'node:crypto';
import pino from 'pino';
import { openRuntime, type Runtime } from '../../src/frontends/runtime.ts';
import { loadConfig, type Config } from '../../src/frontends/config.ts';
import { loadTls } from '../../src/frontends/tls.ts';
import { pop3FrontEnd } from '../../src/frontends/pop3/front-end.ts';
import type { Started } from '../../src/frontends/server.ts';
import { addTestUser, deliverRaw, tempDir } from '../helpers/runtime.ts';

export const PASSWORD = 'correct horse battery';
const NO_THROTTLE = { windowMs: 60_000, baseDelayMs: 0, maxDelayMs: 0, refuseAfter: { account: 1000, client: 1000 }, maxEntries: 1000 };

export type Harness = {
  runtime: Runtime;
  dataDir: string;
  config: Config;
  pop3: number;
  pop3s: number;
  addUser(address: string, password?: string): Promise<string>;
  deliver(accountId: string, raw: string | Buffer): Promise<{ uid: number; emailId: string }>;
  /** stops the server and the runtime, runs `between` (e.g. the CLI on the data directory), starts both again */
  restart(between?: () => Promise<void>): Promise<void>;
  stop(): Promise<void>;
};

export type HarnessOptions = {
  /** POSTLOG_* variables, e.g. POSTLOG_TRUSTED_NETWORKS */
  env?: Record<string, string>;
  pop3?: Partial<Config['pop3']>;
};

export async function startHarness(options: HarnessOptions = {}, dir = tempDir('postlog-pop3-')): Promise<Harness> {
  const base = loadConfig(undefined, { POSTLOG_POP3_PORT: '0', POSTLOG_POP3S_PORT: '0', POSTLOG_LOG_LEVEL: 'silent', ...options.env });
  const config: Config = { ...base, pop3: { ...base.pop3, ...options.pop3 } };
  const logger = pino({ level: process.env.POP3_TEST_LOG ?? 'silent' });
  let runtime: Runtime;
  let started: Started;
  const harness = {} as Harness;
  const boot = async () => {
    runtime = await openRuntime(dir.path, { follow: true, config, logger, throttle: NO_THROTTLE });
    const tls = await loadTls(config, dir.path);
    started = await pop3FrontEnd.start({ runtime, config, tls, logger: logger.child({ proto: 'pop3' }) });
    Object.assign(harness, {
      runtime,
      pop3: started.listeners.find((l) => l.service === 'pop3')!.port,
      pop3s: started.listeners.find((l) => l.service === 'pop3s')!.port,
    });
  };
  const shutdown = async () => {
    await started.close();
    await runtime.close();
  };
  await boot();
  Object.assign(harness, {
    dataDir: dir.path,
    config,
    addUser: (address: string, password = PASSWORD) => addTestUser(runtime, address, password),
    deliver: (accountId: string, raw: string | Buffer) => deliverRaw(runtime, accountId, raw),
    async restart(between?: () => Promise<void>) {
      await shutdown();
      await between?.();
      await boot();
    },
    async stop() {
      await shutdown();
      dir.remove();
    },
  });
  return harness;
}

/** A plain multipart message of realistic shape, with lines that need dot-stuffing. */
export function sampleMessage(n: number, extraBody = ''): string {
  return [
    'Return-Path: <sender@example.net>',
    `Message-ID: <m${n}.${randomUUID()}@example.net>`,
    'Date: Tue, 19 May 2026 10:00:00 +0000',
    'From: Sender <sender@example.net>',
    'To: user@example.test',
    `Subject: message ${n}`,
    'MIME-Version: 1.0',
    'Content-Type: multipart/alternative; boundary="b1"',
    '',
    '--b1',
    'Content-Type: text/plain; charset=utf-8',
    '',
    `Body of message ${n}.`,
    '.a line starting with a dot',
    '..and one with two',
    extraBody,
    '--b1',
    'Content-Type: text/html; charset=utf-8',
    '',
    `<p>Body of message ${n}.</p>`,
    '--b1--',
    '',
  ].join('\r\n');
}
