// The composition root: opens the store, the projections and the domain services that the CLI
// and every protocol front-end share.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { newId } from './ids.ts';
import pino, { type Logger } from 'pino';
import { openLmdbStorage, type LmdbStorage } from '../store/lmdb/open.ts';
import { LmdbSnapshots } from '../store/lmdb/snapshots.ts';
import { CommandHandler } from '../domain/command-handler.ts';
import { MailService } from '../domain/mail-service.ts';
import { LoginLog } from '../domain/login/log.ts';
import { ProjectionRunner } from '../projections/runner.ts';
import { MailboxView, mailboxProjection } from '../projections/mailbox-view.ts';
import { AccountView, accountProjection } from '../projections/account-view.ts';
import { DirectoryView, directoryProjection } from '../projections/directory-view.ts';
import { ResendIndex, resendProjection } from '../projections/resend-index.ts';
import { OutboundQueueView, outboundQueueProjection } from '../projections/outbound-queue.ts';
import type { Projection } from '../projections/projection.ts';
import { projectionDb } from '../projections/projection.ts';
import { historyProjection } from '../projections/history-index.ts';
import { auditProjection } from '../projections/audit-index.ts';
import { DirectoryService } from '../domain/directory/service.ts';
import type { Authenticator, RecipientResolver } from '../domain/directory/ports.ts';
import { DirectoryAuthenticator } from './directory/authenticator.ts';
import type { ThrottlePolicy } from './directory/throttle.ts';
import { DirectoryRecipients } from './directory/recipients.ts';
import { loadConfig, type Config } from './config.ts';

export const PROJECTIONS: readonly Projection[] = [
  accountProjection,
  mailboxProjection,
  directoryProjection,
  resendProjection,
  outboundQueueProjection,
  historyProjection,
  auditProjection,
];

export type Runtime = Readonly<{
  dataDir: string;
  /** this node's identity in event metadata */
  origin: string;
  storage: LmdbStorage;
  handler: CommandHandler;
  runner: ProjectionRunner;
  mailboxes: MailboxView;
  accounts: AccountView;
  mail: MailService;
  /** users, aliases, groups, domains as the log has them (read side) */
  directory: DirectoryView;
  /** directory changes: domains, users, passwords, aliases, groups */
  directoryService: DirectoryService;
  /** the one authentication service of every protocol */
  auth: Authenticator;
  recipients: RecipientResolver;
  /** SMTP deliveries already made, to recognise a resend after a lost reply */
  resends: ResendIndex;
  /** the outbound relay's queue: every item's state, and what is due when */
  outbound: OutboundQueueView;
  close(): Promise<void>;
}>;

/** A stable id for this data directory's node, made once. */
function nodeId(dataDir: string): string {
  const file = join(dataDir, 'node-id');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  const id = `node-${newId()}`;
  writeFileSync(file, id + '\n');
  return id;
}

export async function openRuntime(
  dataDir: string,
  options: {
    logger?: Logger;
    follow?: boolean;
    until?: number;
    config?: Config;
    throttle?: ThrottlePolicy;
    /** false: leave the projections where they are (`rebuild` replays them itself, with progress) */
    catchUp?: boolean;
  } = {},
): Promise<Runtime> {
  const config = options.config ?? loadConfig(undefined, {});
  const logger = options.logger ?? pino({ level: 'silent' });
  mkdirSync(dataDir, { recursive: true });
  const origin = nodeId(dataDir);
  const storage = await openLmdbStorage(dataDir);
  const handler = new CommandHandler(storage.events, { snapshots: new LmdbSnapshots(storage.root) });
  const runner = new ProjectionRunner(storage.root, storage.events, PROJECTIONS, { until: options.until });
  runner.on('stopped', (error) => logger.error({ err: error }, 'projection stopped'));
  const mailboxes = new MailboxView(projectionDb(storage.root, mailboxProjection));
  const accounts = new AccountView(projectionDb(storage.root, accountProjection));
  const mail = new MailService(handler, mailboxes);
  const directory = new DirectoryView(projectionDb(storage.root, directoryProjection));
  const directoryService = new DirectoryService(handler, mail);
  const auth = new DirectoryAuthenticator({
    directory,
    service: directoryService,
    trustedNetworks: config.trustedNetworks,
    logger,
    origin,
    throttle: options.throttle,
    logins: new LoginLog(storage.events),
  });
  const recipients = new DirectoryRecipients(directory, config.domains);
  const resends = new ResendIndex(projectionDb(storage.root, resendProjection));
  const outbound = new OutboundQueueView(projectionDb(storage.root, outboundQueueProjection));
  if (options.catchUp !== false) await runner.start(options.follow ?? false);
  return {
    dataDir,
    origin,
    storage,
    handler,
    runner,
    mailboxes,
    accounts,
    mail,
    directory,
    directoryService,
    auth,
    recipients,
    resends,
    outbound,
    async close() {
      await runner.stop();
      await storage.close();
    },
  };
}
