// The POP3 front-end: a plain listener offering STLS (config.ports.pop3) and an implicit-TLS
// one (config.ports.pop3s), both serving the runtime's maildrops.
import { createSecureContext } from 'node:tls';
import type { Logger } from 'pino';
import type { Config } from '../config.ts';
import { commandContext } from '../context.ts';
import { startListenerPair } from '../listener-pair.ts';
import type { Runtime } from '../runtime.ts';
import type { FrontEnd, ServerContext, Started } from '../server.ts';
import type { TlsMaterial } from '../tls.ts';
import type { Pop3Options, Pop3Services } from './command.ts';
import { Pop3Connection, type ConnectionEnv } from './connection.ts';
import { MaildropLocks } from './locks.ts';
import { openMaildrop } from './maildrop.ts';

export function runtimeServices(runtime: Runtime): Pop3Services {
  return {
    auth: runtime.auth,
    maildrop: (accountId) => openMaildrop(runtime, accountId),
    async expunge(mailboxId, uids, actor) {
      await runtime.mail.expunge(mailboxId, uids, 'pop3', commandContext(actor, runtime.origin));
    },
    async markSeen(mailboxId, uids, actor) {
      await runtime.mail.store(mailboxId, uids, 'add', ['\\Seen'], commandContext(actor, runtime.origin));
    },
    message: (blobId) => runtime.storage.blobs.get(blobId),
  };
}

export function pop3Options(config: Config): Pop3Options {
  const { expire, loginDelay, idleTimeout, maxBadCommands, seenOnRetrieve } = config.pop3;
  return { hostname: config.hostname, expire, loginDelay, idleTimeoutMs: idleTimeout * 1000, maxBadCommands, seenOnRetrieve };
}

export type Pop3ServerOptions = Readonly<{
  services: Pop3Services;
  options: Pop3Options;
  tls: Pick<TlsMaterial, 'key' | 'cert'>;
  logger: Logger;
  host: string;
  /** plain port with STLS, and implicit-TLS port; 0 picks a free one */
  ports: Readonly<{ pop3: number; pop3s: number }>;
}>;

export async function startPop3(settings: Pop3ServerOptions): Promise<Started> {
  const logger = settings.logger.bindings().proto ? settings.logger : settings.logger.child({ proto: 'pop3' });
  const secureContext = createSecureContext({ key: settings.tls.key, cert: settings.tls.cert });
  const locks = new MaildropLocks();
  const env = (startTls: boolean): ConnectionEnv => ({
    services: settings.services,
    options: settings.options,
    logger,
    locks,
    startTls: startTls ? secureContext : undefined,
  });
  const plainEnv = env(true);
  const tlsEnv = env(false);
  return startListenerPair({
    host: settings.host,
    logger,
    tls: settings.tls,
    plain: { service: 'pop3', port: settings.ports.pop3 },
    implicit: { service: 'pop3s', port: settings.ports.pop3s },
    connection: (socket, secure) => new Pop3Connection(socket, secure ? tlsEnv : plainEnv, secure),
  });
}

export const pop3FrontEnd: FrontEnd = {
  name: 'pop3',
  start({ runtime, config, tls, logger }: ServerContext) {
    return startPop3({
      services: runtimeServices(runtime),
      options: pop3Options(config),
      tls,
      logger,
      host: config.listenHost,
      ports: { pop3: config.ports.pop3, pop3s: config.ports.pop3s },
    });
  },
};
