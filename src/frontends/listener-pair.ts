// The two listeners a mailbox protocol has: a plain port offering STARTTLS and an implicit-TLS
// port. Each accepted socket becomes one connection; closing stops both listeners and drops
// every open connection.
import { createServer as createPlainServer, type Socket } from 'node:net';
import { createServer as createTlsServer } from 'node:tls';
import type { Logger } from 'pino';
import type { ServiceName } from './config.ts';
import { listen } from './listen.ts';
import type { Listener, Started } from './server.ts';
import type { TlsMaterial } from './tls.ts';

export interface ServedConnection {
  start(): void;
  destroy(): void;
  /** resolves once the socket has closed */
  readonly closed: Promise<void>;
}

export type ListenerPairOptions = Readonly<{
  host: string;
  logger: Logger;
  tls: Pick<TlsMaterial, 'key' | 'cert'>;
  /** the STARTTLS port and the implicit-TLS port; 0 picks a free one */
  plain: Readonly<{ service: ServiceName; port: number }>;
  implicit: Readonly<{ service: ServiceName; port: number }>;
  /** a connection for an accepted socket; `secure` on the implicit-TLS port */
  connection(socket: Socket, secure: boolean): ServedConnection;
}>;

export async function startListenerPair(options: ListenerPairOptions): Promise<Started> {
  const open = new Set<ServedConnection>();
  const serve = (socket: Socket, secure: boolean) => {
    const connection = options.connection(socket, secure);
    open.add(connection);
    void connection.closed.then(() => open.delete(connection));
    connection.start();
  };
  const plain = createPlainServer((socket) => serve(socket, false));
  // The server takes key and cert itself: a prepared secureContext alone fails the handshake.
  const implicit = createTlsServer({ key: options.tls.key, cert: options.tls.cert }, (socket) => serve(socket, true));
  implicit.on('tlsClientError', (error, socket) => options.logger.debug({ err: error, client: socket.remoteAddress }, 'TLS handshake failed'));
  const { host } = options;
  const listeners: Listener[] = [
    { service: options.plain.service, host, port: await listen(plain, host, options.plain.port), security: 'STARTTLS' },
    { service: options.implicit.service, host, port: await listen(implicit, host, options.implicit.port), security: 'implicit TLS' },
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
