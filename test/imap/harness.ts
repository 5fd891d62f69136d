// An IMAP server on 127.0.0.1 port 0, started in-process on a temporary data directory, with
// helpers to add users, deliver messages as local delivery does, and connect imapflow.
import { randomUUID } from 'node:crypto';
import pino from 'pino';
import { ImapFlow } from 'imapflow';
import { openRuntime, type Runtime } from '../../src/frontends/runtime.ts';
import { loadConfig, type Config } from '../../src/frontends/config.ts';
import { loadTls } from '../../src/frontends/tls.ts';
import { imapFrontEnd } from '../../src/frontends/imap/front-end.ts';
import { smtpFrontEnd } from '../../src/frontends/smtp/front-end.ts';
import type { Started } from '../../src/frontends/server.ts';
import { addTestUser, deliverRaw, tempDir } from '../helpers/runtime.ts';

export const PASSWORD = 'correct horse battery';
const NO_THROTTLE = { windowMs: 60_000, baseDelayMs: 0, maxDelayMs: 0, refuseAfter: { account: 1000, client: 1000 }, maxEntries: 1000 };

export type Harness = {
  runtime: Runtime;
  dataDir: string;
  config: Config;
  imap: number;
  imaps: number;
  /** the SMTP port (MX), when started with { smtp: true } */
  smtp: number;
  addUser(address: string, password?: string): Promise<string>;
  deliver(accountId: string, raw: string | Buffer): Promise<{ uid: number }>;
  /** an imapflow client, logged in (unless told not to) */
  client(user: string, options?: { login?: boolean; secure?: boolean }): Promise<ImapFlow>;
  stop(): Promise<void>;
};

export async function startHarness(
  env: Record<string, string> = {},
  options: { smtp?: boolean } = {},
  dir = tempDir('postlog-imap-'),
): Promise<Harness> {
  const ports = { POSTLOG_IMAP_PORT: '0', POSTLOG_IMAPS_PORT: '0', POSTLOG_SMTP_PORT: '0', POSTLOG_SUBMISSION_PORT: '0', POSTLOG_SUBMISSIONS_PORT: '0' };
  const config = loadConfig(undefined, { ...ports, POSTLOG_LOG_LEVEL: 'silent', ...env });
  const logger = pino({ level: process.env.IMAP_TEST_LOG ?? 'silent' });
  let runtime: Runtime;
  let started: Started[] = [];
  const clients = new Set<ImapFlow>();
  const harness = {} as Harness;
  const boot = async () => {
    runtime = await openRuntime(dir.path, { follow: true, config, logger, throttle: NO_THROTTLE });
    const tls = await loadTls(config, dir.path);
    const frontEnds = options.smtp ? [imapFrontEnd, smtpFrontEnd] : [imapFrontEnd];
    started = await Promise.all(frontEnds.map((f) => f.start({ runtime, config, tls, logger: logger.child({ proto: f.name }) })));
    const port = (service: string) => started.flatMap((s) => s.listeners).find((l) => l.service === service)?.port ?? 0;
    Object.assign(harness, { runtime, imap: port('imap'), imaps: port('imaps'), smtp: port('smtp') });
  };
  const shutdown = async () => {
    for (const c of clients) c.close();
    clients.clear();
    for (const s of started) await s.close();
    await runtime.close();
  };
  await boot();
  Object.assign(harness, {
    dataDir: dir.path,
    config,
    addUser: (address: string, password = PASSWORD) => addTestUser(runtime, address, password),
    deliver: (accountId: string, raw: string | Buffer) => deliverRaw(runtime, accountId, raw),
    async client(user: string, options: { login?: boolean; secure?: boolean } = {}) {
      const client = new ImapFlow({
        host: '127.0.0.1',
        port: options.secure ? harness.imaps : harness.imap,
        secure: options.secure ?? false,
        doSTARTTLS: false,
        tls: { rejectUnauthorized: false },
        auth: { user, pass: PASSWORD },
        logger: false,
        disableAutoIdle: true,
      });
      client.on('error', () => {});
      clients.add(client);
      if (options.login ?? true) await client.connect();
      return client;
    },
    async stop() {
      await shutdown();
      dir.remove();
    },
  });
  return harness;
}

export function message(n: number, extra: { subject?: string; body?: string; from?: string } = {}): string {
  return [
    `Message-ID: <m${n}.${randomUUID()}@example.net>`,
    'Date: Tue, 19 May 2026 10:00:00 +0000',
    `From: ${extra.from ?? 'Sender <sender@example.net>'}`,
    'To: user@example.test',
    `Subject: ${extra.subject ?? `message ${n}`}`,
    'MIME-Version: 1.0',
    'Content-Type: multipart/alternative; boundary="b1"',
    '',
    '--b1',
    'Content-Type: text/plain; charset=utf-8',
    '',
    extra.body ?? `Body of message ${n}.`,
    '--b1',
    'Content-Type: text/html; charset=utf-8',
    '',
    `<p>Body of message ${n}.</p>`,
    '--b1--',
    '',
  ].join('\r\n');
}
