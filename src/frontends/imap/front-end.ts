// The IMAP front-end: a plain listener offering STARTTLS (config.ports.imap) and an implicit-TLS
// one (config.ports.imaps), both serving the runtime's mailboxes.
import { createSecureContext } from 'node:tls';
import type { Logger } from 'pino';
import type { Config } from '../config.ts';
import { startListenerPair } from '../listener-pair.ts';
import type { Runtime } from '../runtime.ts';
import type { FrontEnd, ServerContext, Started } from '../server.ts';
import type { TlsMaterial } from '../tls.ts';
import type { ImapOptions } from './command.ts';
import { ImapConnection, type ConnectionEnv } from './connection.ts';
import { RecentCursors } from './recent.ts';
import { MailboxWatch } from './watch.ts';

export function imapOptions(config: Config): ImapOptions {
  return {
    hostname: config.hostname,
    maxMessageSize: config.limits.maxMessageSize,
    maxLiteral: 256 * 1024,
    idleTimeoutMs: config.imap.idleTimeout * 1000,
    maxBadCommands: config.imap.maxBadCommands,
  };
}

export type ImapServerOptions = Readonly<{
  runtime: Runtime;
  options: ImapOptions;
  tls: Pick<TlsMaterial, 'key' | 'cert'>;
  logger: Logger;
  host: string;
  /** plain port with STARTTLS, and implicit-TLS port; 0 picks a free one */
  ports: Readonly<{ imap: number; imaps: number }>;
}>;

export async function startImap(settings: ImapServerOptions): Promise<Started> {
  const logger = settings.logger.bindings().proto ? settings.logger : settings.logger.child({ proto: 'imap' });
  const secureContext = createSecureContext({ key: settings.tls.key, cert: settings.tls.cert });
  const watch = new MailboxWatch(settings.runtime.runner);
  const recent = RecentCursors.open(settings.runtime.dataDir);
  const env = (secure: boolean): ConnectionEnv => ({
    runtime: settings.runtime,
    options: settings.options,
    logger,
    watch,
    recent,
    startTls: secure ? undefined : secureContext,
  });
  const plainEnv = env(false);
  const tlsEnv = env(true);
  const started = await startListenerPair({
    host: settings.host,
    logger,
    tls: settings.tls,
    plain: { service: 'imap', port: settings.ports.imap },
    implicit: { service: 'imaps', port: settings.ports.imaps },
    connection: (socket, secure) => new ImapConnection(socket, secure ? tlsEnv : plainEnv, secure),
  }).catch(async (error: unknown) => {
    watch.close();
    await recent.close();
    throw error;
  });
  return {
    listeners: started.listeners,
    async close() {
      await started.close();
      watch.close();
      await recent.close();
    },
  };
}

export const imapFrontEnd: FrontEnd = {
  name: 'imap',
  start({ runtime, config, tls, logger }: ServerContext) {
    return startImap({
      runtime,
      options: imapOptions(config),
      tls,
      logger,
      host: config.listenHost,
      ports: { imap: config.ports.imap, imaps: config.ports.imaps },
    });
  },
};
