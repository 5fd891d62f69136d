// The POP3 front-end: a plain listener offering STLS (config.ports.pop3) and an implicit-TLS
// one (config.ports.pop3s), both serving the runtime's maildrops.
import { createServer as createPlainServer, type Server, type Socket } from 'node:net';
import { createSecureContext, createServer as createTlsServer } from 'node:tls';
import type { Logger } from 'pino';
import type { Config } from '../config.ts';
import { commandContext } from '../context.ts';
import type { Runtime } from '../runtime.ts';
import type { FrontEnd, Listener, ServerContext, Started } from '../server.ts';
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
    message: (blobId) => runtime.storage.blobs.get(blobId),
  };
}

export function pop3Options(config: Config): Pop3Options {
  const { expire, loginDelay, idleTimeout, maxBadCommands } = config.pop3;
  return { hostname: config.hostname, expire, loginDelay, idleTimeoutMs: idleTimeout * 1000, maxBadCommands };
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
  const open = new Set<Pop3Connection>();
  const env = (startTls: boolean): ConnectionEnv => ({
    services: settings.services,
    options: settings.options,
    logger,
    locks,
    startTls: startTls ? secureContext : undefined,
  });
  const plainEnv = env(true);
  const tlsEnv = env(false);
  const serve = (socket: Socket, connectionEnv: ConnectionEnv, secure: boolean) => {
    const connection = new Pop3Connection(socket, connectionEnv, secure);
    open.add(connection);
    void connection.closed.then(() => open.delete(connection));
    connection.start();
  };
  const plain = createPlainServer((socket) => serve(socket, plainEnv, false));
  const implicit = createTlsServer({ key: settings.tls.key, cert: settings.tls.cert }, (socket) => serve(socket, tlsEnv, true));
  implicit.on('tlsClientError', (error, socket) => logger.debug({ err: error, client: socket.remoteAddress }, 'TLS handshake failed'));

  const listeners: Listener[] = [
    { service: 'pop3', host: settings.host, port: await listen(plain, settings.host, settings.ports.pop3), security: 'STARTTLS' },
    { service: 'pop3s', host: settings.host, port: await listen(implicit, settings.host, settings.ports.pop3s), security: 'implicit TLS' },
  ];
  return {
    listeners,
    async close() {
      const stopped = Promise.all([plain, implicit].map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
      const connections = [...open];
      for (const c of connections) c.destroy();
      await Promise.all(connections.map((c) => c.closed));
      await stopped;
    },
  };
}

function listen(server: Server, host: string, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      const address = server.address();
      resolve(typeof address === 'object' && address ? address.port : port);
    });
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
