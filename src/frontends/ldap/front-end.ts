// The LDAP front-end: a plain listener with StartTLS (config.ports.ldap) and an implicit-TLS one
// (config.ports.ldaps), serving the directory read-only as an address book and bind service.
import { createServer as createPlainServer } from 'node:net';
import { createSecureContext, createServer as createTlsServer } from 'node:tls';
import type { Logger } from 'pino';
import type { Authenticator } from '../../domain/directory/ports.ts';
import type { DirectoryView } from '../../projections/directory-view.ts';
import type { ProjectionRunner } from '../../projections/runner.ts';
import type { Config } from '../config.ts';
import type { FrontEnd, Listener, ServerContext, Started } from '../server.ts';
import type { TlsMaterial } from '../tls.ts';
import { listen } from '../listen.ts';
import { Sessions } from './connection.ts';
import { suffixFromDomain } from './dn.ts';
import { createLdapServer, type LdapjsLog } from './ldapjs.ts';
import { mountOperations } from './operations.ts';
import { TreeSource } from './tree.ts';

export type LdapServerOptions = Readonly<{
  auth: Authenticator;
  directory: DirectoryView;
  /** the tree is rebuilt when this runner applies directory events */
  runner: ProjectionRunner;
  suffix: string;
  allowAnonymous: boolean;
  sizeLimit: number;
  timeLimitSeconds: number;
  idleTimeoutMs: number;
  maxMessageBytes?: number;
  tls: Pick<TlsMaterial, 'key' | 'cert'>;
  logger: Logger;
  host: string;
  /** plain port with StartTLS, and implicit-TLS port; 0 picks a free one */
  ports: Readonly<{ ldap: number; ldaps: number }>;
}>;

/** The suffix configured, or the one the first domain gives (example.org -> dc=example,dc=org). */
export function ldapSuffix(config: Config): string {
  return config.ldap.suffix ?? suffixFromDomain(config.domains[0] ?? 'example.test');
}

/** ldapjs logs printf-style; only its errors are worth a line. */
function ldapjsLog(logger: Logger): LdapjsLog {
  const quiet = () => {};
  const loud = (...args: unknown[]) => logger.warn({ detail: args.map(String).join(' ') }, 'ldapjs');
  return { trace: quiet, debug: quiet, info: quiet, warn: quiet, error: loud, fatal: loud };
}

export async function startLdap(options: LdapServerOptions): Promise<Started> {
  const logger = options.logger.bindings().proto ? options.logger : options.logger.child({ proto: 'ldap' });
  const secureContext = createSecureContext({ key: options.tls.key, cert: options.tls.cert });
  const server = createLdapServer(ldapjsLog(logger));
  // ldapjs reports unparsable messages as server errors (it answers or closes by itself).
  server.on('error', (err) => logger.debug({ err }, 'protocol error'));
  server.on('clientError', (err) => logger.debug({ err }, 'client error'));
  const sessions = new Sessions({
    server,
    logger,
    secureContext,
    idleTimeoutMs: options.idleTimeoutMs,
    maxMessageBytes: options.maxMessageBytes ?? 64 * 1024,
  });
  const tree = new TreeSource(options.suffix, options.directory, options.runner);
  tree.current(); // a bad suffix stops start-up here, not on the first search
  mountOperations(server, {
    sessions,
    tree,
    auth: options.auth,
    allowAnonymous: options.allowAnonymous,
    limits: { sizeLimit: options.sizeLimit, timeLimitSeconds: options.timeLimitSeconds },
  });

  const plain = createPlainServer((socket) => sessions.accept(socket, false));
  const implicit = createTlsServer({ key: options.tls.key, cert: options.tls.cert }, (socket) => sessions.accept(socket, true));
  implicit.on('tlsClientError', (err, socket) => logger.debug({ err, client: socket.remoteAddress }, 'TLS handshake failed'));
  const listeners: Listener[] = [
    { service: 'ldap', host: options.host, port: await listen(plain, options.host, options.ports.ldap), security: 'STARTTLS' },
    { service: 'ldaps', host: options.host, port: await listen(implicit, options.host, options.ports.ldaps), security: 'implicit TLS' },
  ];
  logger.info({ suffix: options.suffix, listeners: listeners.map((l) => `${l.host}:${l.port}`) }, 'LDAP listening');
  return {
    listeners,
    async close() {
      const stopped = Promise.all([plain, implicit].map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
      sessions.closeAll();
      tree.close();
      await stopped;
    },
  };
}

export const ldapFrontEnd: FrontEnd = {
  name: 'ldap',
  start({ runtime, config, tls, logger }: ServerContext) {
    return startLdap({
      auth: runtime.auth,
      directory: runtime.directory,
      runner: runtime.runner,
      suffix: ldapSuffix(config),
      allowAnonymous: config.ldap.allowAnonymous,
      sizeLimit: config.ldap.sizeLimit,
      timeLimitSeconds: config.ldap.timeLimit,
      idleTimeoutMs: config.ldap.idleTimeout * 1000,
      tls,
      logger,
      host: config.listenHost,
      ports: { ldap: config.ports.ldap, ldaps: config.ports.ldaps },
    });
  },
};
