// The SMTP front-end: MX (config.ports.smtp: mail for our users from anyone, STARTTLS offered,
// no AUTH), submission (config.ports.submission: STARTTLS, AUTH) and submission over implicit
// TLS (config.ports.submissions), all storing mail through one deliverer.
import type { Logger } from 'pino';
import type { SMTPServerOptions } from 'smtp-server';
import type { Config, ServiceName } from '../config.ts';
import type { Runtime } from '../runtime.ts';
import type { FrontEnd, Listener, ServerContext, Started } from '../server.ts';
import type { TlsMaterial } from '../tls.ts';
import { ResendGuard } from './dedup.ts';
import { Deliverer } from './delivery.ts';
import { ConnectionLimiter, GreetingScreen } from './limits.ts';
import { libraryLogger } from './logger.ts';
import type { ListenerKind } from './policy.ts';
import { gatekeeper } from './session.ts';
import { PostlogSmtpServer } from './wire.ts';

type ListenerSpec = Readonly<{ service: ServiceName; kind: ListenerKind; implicitTls: boolean }>;

const LISTENERS: readonly ListenerSpec[] = [
  { service: 'smtp', kind: 'mx', implicitTls: false },
  { service: 'submission', kind: 'submission', implicitTls: false },
  { service: 'submissions', kind: 'submission', implicitTls: true },
];

export type SmtpSettings = Readonly<{
  runtime: Runtime;
  config: Config;
  tls: Pick<TlsMaterial, 'key' | 'cert'>;
  logger: Logger;
  /** which listeners to open (all by default) */
  services?: readonly ServiceName[];
}>;

function serverOptions(spec: ListenerSpec, settings: SmtpSettings, logger: Logger): SMTPServerOptions {
  const { config, tls } = settings;
  return {
    name: config.hostname,
    banner: 'postlog',
    key: tls.key,
    cert: tls.cert,
    secure: spec.implicitTls,
    size: config.limits.maxMessageSize,
    maxRecipients: config.smtp.maxRecipients,
    maxClients: config.smtp.maxClients,
    socketTimeout: config.smtp.idleTimeout * 1000,
    closeTimeout: 5000,
    // MX takes no logins; submission decides per connection (trusted networks need none, and
    // whether a password may travel in clear is the authenticator's call, not the library's)
    disabledCommands: spec.kind === 'mx' ? ['AUTH'] : [],
    authMethods: ['PLAIN', 'LOGIN'],
    authOptional: true,
    allowInsecureAuth: true,
    hideENHANCEDSTATUSCODES: false,
    disableReverseLookup: true,
    logger: libraryLogger(logger) as SMTPServerOptions['logger'],
  };
}

function listen(server: PostlogSmtpServer, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.server.once('error', reject);
    server.listen(port, host, () => {
      server.server.off('error', reject);
      const address = server.server.address();
      resolve(typeof address === 'object' && address ? address.port : port);
    });
  });
}

export async function startSmtp(settings: SmtpSettings): Promise<Started> {
  const { runtime, config } = settings;
  const logger = settings.logger.bindings().proto ? settings.logger : settings.logger.child({ proto: 'smtp' });
  const guard = new ResendGuard(runtime.resends, runtime.runner, config.smtp.resendWindowHours * 3600_000);
  const deliverer = new Deliverer(runtime, guard, config.limits.maxMessageSize);
  const limiter = new ConnectionLimiter(config.smtp.maxConnectionsPerClient);
  const screen = new GreetingScreen(config.smtp.greetingPauseMs, config.smtp.greetingPassHours * 3600_000);
  const chosen = LISTENERS.filter((s) => !settings.services || settings.services.includes(s.service));

  const servers: PostlogSmtpServer[] = [];
  const listeners: Listener[] = [];
  try {
    for (const spec of chosen) {
      const log = logger.child({ listener: spec.service });
      const handlers = gatekeeper({ listener: spec.kind, runtime, config, logger: log, deliverer, limiter });
      const server = new PostlogSmtpServer({ ...serverOptions(spec, settings, log), ...handlers }, screen);
      // A client that resets its connection is no reason to stop serving the others.
      server.on('error', (err) => log.debug({ err }, 'connection error'));
      servers.push(server);
      const port = await listen(server, config.ports[spec.service], config.listenHost);
      listeners.push({ service: spec.service, host: config.listenHost, port, security: spec.implicitTls ? 'implicit TLS' : 'STARTTLS' });
    }
  } catch (error) {
    await Promise.all(servers.map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
    throw error;
  }
  return {
    listeners,
    async close() {
      await Promise.all(servers.map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
    },
  };
}

export const smtpFrontEnd: FrontEnd = {
  name: 'smtp',
  start: ({ runtime, config, tls, logger }: ServerContext) => startSmtp({ runtime, config, tls, logger }),
};
