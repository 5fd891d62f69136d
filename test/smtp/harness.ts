// SMTP listeners on 127.0.0.1 port 0, started in-process on a temporary data directory with a
// small directory: alice, bob and carol at example.test, an alias, a group; and ways to read
// back what was delivered (from the mailbox projection, with the blob's bytes).
import { Buffer } from 'node:buffer';
import pino from 'pino';
import { openRuntime, type Runtime } from '../../src/frontends/runtime.ts';
import { loadConfig, type Config } from '../../src/frontends/config.ts';
import { loadTls } from '../../src/frontends/tls.ts';
import { commandContext } from '../../src/frontends/context.ts';
import { startSmtp } from '../../src/frontends/smtp/front-end.ts';
import type { Started } from '../../src/frontends/server.ts';
import type { MessageRecord } from '../../src/projections/mailbox-view.ts';
import type { OutboundQueued } from '../../src/domain/outbound/events.ts';
import { settled, tempDir } from '../helpers/runtime.ts';

export const PASSWORD = 'correct horse battery';
export const DOMAIN = 'example.test';
const NO_THROTTLE = { windowMs: 60_000, baseDelayMs: 0, maxDelayMs: 0, refuseAfter: { account: 1000, client: 1000 }, maxEntries: 1000 };

export type Stored = MessageRecord & { raw: string };

export type Harness = {
  runtime: Runtime;
  config: Config;
  dataDir: string;
  ports: { smtp: number; submission: number; submissions: number };
  accounts: Record<'alice' | 'bob' | 'carol', string>;
  /** messages in the INBOX of an address, oldest first, with their stored bytes */
  inbox(address: string): Promise<Stored[]>;
  outbound(): Promise<OutboundQueued['data'][]>;
  restart(): Promise<void>;
  stop(): Promise<void>;
};

export type HarnessOptions = Readonly<{
  /** POSTLOG_* variables, e.g. POSTLOG_TRUSTED_NETWORKS */
  env?: Record<string, string>;
  smtp?: Partial<Config['smtp']>;
  limits?: Partial<Config['limits']>;
}>;

export async function readBlob(runtime: Runtime, blobId: string): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of runtime.storage.blobs.get(blobId)) chunks.push(Buffer.from(chunk as Uint8Array));
  return Buffer.concat(chunks);
}

export async function inboxOf(runtime: Runtime, address: string): Promise<Stored[]> {
  await settled(runtime);
  const accountId = await runtime.mail.accountOf(address);
  if (!accountId) throw new Error(`no account ${address}`);
  const inbox = await runtime.mail.mailbox(accountId, 'INBOX');
  const messages = runtime.mailboxes.messages(inbox.mailboxId);
  return Promise.all(messages.map(async (m) => ({ ...m, raw: (await readBlob(runtime, m.blobId)).toString('utf8') })));
}

export async function startHarness(options: HarnessOptions = {}, dir = tempDir('postlog-smtp-')): Promise<Harness> {
  const base = loadConfig(undefined, {
    POSTLOG_SMTP_PORT: '0',
    POSTLOG_SUBMISSION_PORT: '0',
    POSTLOG_SUBMISSIONS_PORT: '0',
    POSTLOG_HOSTNAME: 'mx.example.test',
    POSTLOG_DOMAINS: DOMAIN,
    ...options.env,
  });
  const config: Config = { ...base, smtp: { ...base.smtp, ...options.smtp }, limits: { ...base.limits, ...options.limits } };
  const logger = pino({ level: process.env.SMTP_TEST_LOG ?? 'silent' });
  let runtime!: Runtime;
  let started!: Started;
  const harness = { config, dataDir: dir.path } as Harness;
  const boot = async () => {
    runtime = await openRuntime(dir.path, { follow: true, config, logger, throttle: NO_THROTTLE });
    const tls = await loadTls(config, dir.path);
    started = await startSmtp({ runtime, config, tls, logger });
    const port = (service: string) => started.listeners.find((l) => l.service === service)!.port;
    Object.assign(harness, { runtime, ports: { smtp: port('smtp'), submission: port('submission'), submissions: port('submissions') } });
  };
  const shutdown = async () => {
    await started.close();
    await runtime.close();
  };
  await boot();

  const admin = commandContext({ kind: 'admin', id: 'test', protocol: 'cli' }, runtime.origin);
  const directory = runtime.directoryService;
  await directory.addDomain(DOMAIN, admin);
  const accounts = {
    alice: await directory.addUser(`alice@${DOMAIN}`, admin, { password: PASSWORD }),
    bob: await directory.addUser(`bob@${DOMAIN}`, admin, { password: PASSWORD }),
    carol: await directory.addUser(`carol@${DOMAIN}`, admin, { password: PASSWORD }),
  };
  await directory.addAlias(`postmaster@${DOMAIN}`, accounts.alice, admin);
  await directory.addAlias(`a.smith@${DOMAIN}`, accounts.alice, admin);
  await directory.createGroup(`team@${DOMAIN}`, admin, 'Team');
  await directory.setMember(`team@${DOMAIN}`, `bob@${DOMAIN}`, true, admin);
  await directory.setMember(`team@${DOMAIN}`, `carol@${DOMAIN}`, true, admin);
  await settled(runtime);

  Object.assign(harness, {
    accounts,
    inbox: (address: string) => inboxOf(runtime, address),
    async outbound() {
      await settled(runtime);
      const events = await runtime.storage.events.readAll({});
      return events.filter((r) => r.event.type === 'OutboundQueued').map((r) => (r.event as OutboundQueued).data);
    },
    async restart() {
      await shutdown();
      await boot();
    },
    async stop() {
      await shutdown();
      dir.remove();
    },
  });
  return harness;
}

/** A small realistic message; `id` goes into the Message-ID and the subject. */
export function message(id: string, to = `bob@${DOMAIN}`, extra = ''): string {
  return [
    `Message-ID: <${id}@client.example>`,
    'Date: Tue, 19 May 2026 10:00:00 +0000',
    'From: Sender <sender@client.example>',
    `To: ${to}`,
    `Subject: message ${id}`,
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8',
    '',
    `Body of ${id}.`,
    '.a line starting with a dot',
    extra,
    '',
  ].join('\r\n');
}
