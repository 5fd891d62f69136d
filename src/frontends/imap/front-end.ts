// The IMAP front-end: a plain listener offering STARTTLS (config.ports.imap) and an implicit-TLS
// one (config.ports.imaps), both serving the runtime's mailboxes.
import { createServer as createPlainServer, type Socket } from 'node:net';
import { createSecureContext, createServer as createTlsServer } from 'node:tls';
import type { Logger } from 'pino';
import type { Config } from '../config.ts';
import { listen } from '../listen.ts';
import type { Runtime } from '../runtime.ts';
import type { FrontEnd, Listener, ServerContext, Started } from '../server.ts';
import type { TlsMaterial } from '../tls.ts';
import type { ImapOptions } from './command.ts';
import { ImapConnection, type ConnectionEnv } from './connection.ts';
import { MailboxWatch } from './watch.ts';

export function imapOptions(config: Config): ImapOptions {
  return {
    hostname: config.hostname,
    maxMessageSize: config.limits.maxMessageSize,
    maxLiteral: 256 * 1024,
    idleTimeoutMs: 30 * 60 * 1000,
    maxBadCommands: 20,
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
  const open = new Set<ImapConnection>();
  const env = (startTls: boolean): ConnectionEnv => ({
    runtime: settings.runtime,
    options: settings.options,
    logger,
    watch,
    startTls: startTls ? secureContext : undefined,
  });
  const plainEnv = env(true);
  const tlsEnv = env(false);
  const serve = (socket: Socket, connectionEnv: ConnectionEnv, secure: boolean) => {
    const connection = new ImapConnection(socket, connectionEnv, secure);
    open.add(connection);
    void connection.closed.then(() => open.delete(connection));
    connection.start();
  };
  const plain = createPlainServer((socket) => serve(socket, plainEnv, false));
  // The server takes key and cert itself: a prepared secureContext alone fails the handshake.
  const implicit = createTlsServer({ key: settings.tls.key, cert: settings.tls.cert }, (socket) => serve(socket, tlsEnv, true));
  implicit.on('tlsClientError', (error, socket) => logger.debug({ err: error, client: socket.remoteAddress }, 'TLS handshake failed'));

  const listeners: Listener[] = [
    { service: 'imap', host: settings.host, port: await listen(plain, settings.host, settings.ports.imap), security: 'STARTTLS' },
    { service: 'imaps', host: settings.host, port: await listen(implicit, settings.host, settings.ports.imaps), security: 'implicit TLS' },
  ];
  return {
    listeners,
    async close() {
      const stopped = Promise.all([plain, implicit].map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
      const connections = [...open];
      for (const c of connections) c.destroy();
      await Promise.all(connections.map((c) => c.closed));
      await stopped;
      watch.close();
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
