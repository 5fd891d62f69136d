// The relay's settings, from the configuration; the clock is injectable so tests can move
// time forward (retries, warnings, expiry) without waiting hours.
import type { RetryPolicy } from '../../domain/outbound/decider.ts';
import type { Config } from '../config.ts';
import type { RouteSettings } from './routes.ts';

export type RelaySettings = Readonly<{
  /** our name in EHLO, Reporting-MTA and MAILER-DAEMON@ */
  hostname: string;
  routes: RouteSettings;
  smarthostAuth?: Readonly<{ user: string; password: string }>;
  smarthostVerifyCertificate: boolean;
  /** lowercased domains whose mail leaves only over TLS */
  requireTls: ReadonlySet<string>;
  policy: RetryPolicy;
  warnAfterHours: number;
  maxConnections: number;
  maxConnectionsPerDestination: number;
  maxMessagesPerConnection: number;
  /** milliseconds */
  connectTimeout: number;
  commandTimeout: number;
  pollInterval: number;
  /** milliseconds since the epoch */
  clock: () => number;
}>;

export function splitHostPort(value: string, defaultPort: number): { host: string; port: number } {
  const m = /^(?:\[([^\]]+)\]|([^:]+)|([0-9A-Fa-f:]+))(?::(\d+))?$/.exec(value);
  if (!m || (m[3] && m[4])) return { host: value, port: defaultPort };
  return { host: m[1] ?? m[2] ?? m[3]!, port: m[4] ? Number(m[4]) : defaultPort };
}

export function relaySettings(config: Config, clock: () => number = Date.now): RelaySettings {
  const r = config.relay;
  const smarthost = r.smarthost ? splitHostPort(r.smarthost, 25) : undefined;
  return {
    hostname: config.hostname,
    routes: { dnsServers: r.dnsServers, timeout: Math.min(r.connectTimeout * 1000, 10_000), port: r.port, ...(smarthost && { smarthost }) },
    ...(r.smarthostUser !== undefined && { smarthostAuth: { user: r.smarthostUser, password: r.smarthostPassword ?? '' } }),
    smarthostVerifyCertificate: r.smarthostVerifyCertificate,
    requireTls: new Set(r.requireTls.map((d) => d.toLowerCase())),
    policy: { retryMinutes: r.retryMinutes, maxAgeHours: r.maxAgeHours },
    warnAfterHours: r.warnAfterHours,
    maxConnections: r.maxConnections,
    maxConnectionsPerDestination: r.maxConnectionsPerDestination,
    maxMessagesPerConnection: r.maxMessagesPerConnection,
    connectTimeout: r.connectTimeout * 1000,
    commandTimeout: r.commandTimeout * 1000,
    pollInterval: r.pollInterval * 1000,
    clock,
  };
}
