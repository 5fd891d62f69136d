// The composition root: opens the store, the projections and the domain services that the CLI
// and every protocol front-end share.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { v7 as uuidv7 } from 'uuid';
import type { Logger } from 'pino';
import { openLmdbStorage, type LmdbStorage } from '../store/lmdb/open.ts';
import { CommandHandler } from '../domain/command-handler.ts';
import { MailService } from '../domain/mail-service.ts';
import { ProjectionRunner } from '../projections/runner.ts';
import { MailboxView, mailboxProjection } from '../projections/mailbox-view.ts';
import { AccountView, accountProjection } from '../projections/account-view.ts';
import type { Projection } from '../projections/projection.ts';

export const PROJECTIONS: readonly Projection[] = [accountProjection, mailboxProjection];

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
  close(): Promise<void>;
}>;

/** A stable id for this data directory's node, made once. */
function nodeId(dataDir: string): string {
  const file = join(dataDir, 'node-id');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  const id = `node-${uuidv7()}`;
  writeFileSync(file, id + '\n');
  return id;
}

export async function openRuntime(
  dataDir: string,
  options: { logger?: Logger; follow?: boolean; until?: number } = {},
): Promise<Runtime> {
  mkdirSync(dataDir, { recursive: true });
  const origin = nodeId(dataDir);
  const storage = await openLmdbStorage(dataDir);
  const handler = new CommandHandler(storage.events);
  const runner = new ProjectionRunner(storage.root, storage.events, PROJECTIONS, { until: options.until });
  runner.on('stopped', (error) => options.logger?.error({ err: error }, 'projection stopped'));
  const mailboxes = new MailboxView(storage.root.openDB(`projection:${mailboxProjection.name}`, {}));
  const accounts = new AccountView(storage.root.openDB(`projection:${accountProjection.name}`, {}));
  const mail = new MailService(handler, mailboxes);
  await runner.start(options.follow ?? false);
  return {
    dataDir,
    origin,
    storage,
    handler,
    runner,
    mailboxes,
    accounts,
    mail,
    async close() {
      await runner.stop();
      await storage.close();
    },
  };
}
