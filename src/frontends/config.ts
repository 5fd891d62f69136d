// Configuration: defaults, then the config file (YAML or JSON), then POSTLOG_* environment
// variables. Anything invalid stops start-up with the key and what was expected.
import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';

const port = z.number().int().min(0).max(65535);
const cidr = z.string().refine((s) => {
  const [addr, bits, extra] = s.split('/');
  if (extra !== undefined || !addr) return false;
  const family = isIP(addr);
  if (!family) return false;
  if (bits === undefined) return true;
  const n = Number(bits);
  return /^\d+$/.test(bits) && n >= 0 && n <= (family === 4 ? 32 : 128);
}, 'a CIDR such as 127.0.0.0/8 or ::1/128');

/** "host" or "host:port" ("[v6]:port" for an IPv6 address with a port) */
const hostPort = z.string().regex(/^(\[[0-9A-Fa-f:.]+\]|[^\s:[\]]+|[0-9A-Fa-f:]+)(:\d{1,5})?$/, 'host or host:port');

const schema = z
  .object({
    hostname: z.string().min(1).default('localhost'),
    domains: z.array(z.string().min(1)).default(['example.test']),
    trustedNetworks: z.array(cidr).default(['127.0.0.0/8', '::1/128']),
    listenHost: z.string().default('127.0.0.1'),
    ports: z
      .object({
        smtp: port.default(2525),
        submission: port.default(2587),
        submissions: port.default(2465),
        imap: port.default(1143),
        imaps: port.default(1993),
        pop3: port.default(1110),
        pop3s: port.default(1995),
        ldap: port.default(1389),
        ldaps: port.default(1636),
      })
      .strict()
      .prefault({}),
    tls: z
      .object({ cert: z.string().optional(), key: z.string().optional() })
      .strict()
      .prefault({}),
    limits: z
      .object({ maxMessageSize: z.number().int().positive().default(50 * 1024 * 1024) })
      .strict()
      .prefault({}),
    smtp: z
      .object({
        /** recipients of one message */
        maxRecipients: z.number().int().positive().default(100),
        /** simultaneous connections, all clients; and from one client address */
        maxClients: z.number().int().positive().default(1000),
        maxConnectionsPerClient: z.number().int().positive().default(20),
        /** seconds a client may stay silent */
        idleTimeout: z.number().int().positive().default(300),
        /** refused commands (unknown users, bad syntax ...) before 421 */
        maxRefusedCommands: z.number().int().positive().default(20),
        /** a resend of the same message to the same recipient within this many hours is not
         * delivered again (at most a week: the index keeps that much; 0 turns this off) */
        resendWindowHours: z.number().min(0).max(168).default(24),
        /** authenticated senders may use only their own addresses (and aliases) in MAIL FROM */
        ownSenderAddressesOnly: z.boolean().default(true),
        /** milliseconds the greeting waits; a client that talks before it is refused as an
         * early talker (0: greet at once, no early-talker check) */
        greetingPauseMs: z.number().int().min(0).max(10_000).default(100),
        /** hours a client address that waited for its greeting is greeted at once (0: every
         * connection waits) */
        greetingPassHours: z.number().min(0).max(720).default(24),
      })
      .strict()
      .prefault({}),
    pop3: z
      .object({
        /** RFC 2449 EXPIRE as announced: days mail is kept after retrieval, or NEVER (postlog
         * itself never removes mail a client did not delete) */
        expire: z.union([z.literal('NEVER'), z.number().int().min(0)]).default('NEVER'),
        /** RFC 2449 LOGIN-DELAY: minimum seconds between two logins of one account; 0 = none */
        loginDelay: z.number().int().min(0).default(0),
        /** seconds a client may stay silent (RFC 1939: at least 600) */
        idleTimeout: z.number().int().min(600).default(600),
        /** refused commands (unknown, bad syntax, wrong state) before the connection is closed */
        maxBadCommands: z.number().int().positive().default(10),
        /** messages retrieved with RETR get \Seen at QUIT, so IMAP clients of the same mailbox
         * show them as read (TOP and a session that ends without QUIT change nothing) */
        seenOnRetrieve: z.boolean().default(true),
      })
      .strict()
      .prefault({}),
    imap: z
      .object({
        /** seconds a client may stay silent, IDLE included (RFC 3501 5.4: at least 30 minutes) */
        idleTimeout: z.number().int().min(1800).default(1800),
        /** refused commands in a row (unknown, bad syntax, wrong state) before the connection is closed */
        maxBadCommands: z.number().int().positive().default(20),
      })
      .strict()
      .prefault({}),
    ldap: z
      .object({
        /** base DN of the tree; default from the first domain (example.org -> dc=example,dc=org) */
        suffix: z.string().min(1).optional(),
        /** may clients search without binding (address-book use)? The rootDSE is always readable. */
        allowAnonymous: z.boolean().default(false),
        /** entries one search returns at most, whatever the client asks */
        sizeLimit: z.number().int().positive().default(1000),
        /** seconds one search may take at most */
        timeLimit: z.number().int().positive().default(10),
        /** seconds a connection may stay silent */
        idleTimeout: z.number().int().positive().default(300),
      })
      .strict()
      .prefault({}),
    relay: z
      .object({
        /** deliver queued mail (false: keep queueing, send nothing) */
        enabled: z.boolean().default(true),
        /** DNS servers for MX/A/AAAA lookups, host[:port]; empty: the system's (/etc/resolv.conf) */
        dnsServers: z.array(hostPort).default([]),
        /** send everything through this host (host:port) instead of looking up MX records */
        smarthost: hostPort.optional(),
        smarthostUser: z.string().min(1).optional(),
        smarthostPassword: z.string().optional(),
        /** check the smarthost's certificate (MX hosts get opportunistic TLS, unchecked) */
        smarthostVerifyCertificate: z.boolean().default(true),
        /** port of remote MX hosts: 25, another only for tests and odd networks */
        port: port.default(25),
        /** domains whose mail leaves only over TLS (STARTTLS required; deferred otherwise) */
        requireTls: z.array(z.string().min(1)).default([]),
        /** minutes to wait after the 1st, 2nd ... temporary failure; the last one repeats */
        retryMinutes: z.array(z.number().positive()).min(1).default([5, 15, 30, 60, 120, 240, 480]),
        /** hours before a recipient still failing temporarily is given up (and bounced) */
        maxAgeHours: z.number().positive().default(120),
        /** hours after which the sender is told the message is still being tried (once) */
        warnAfterHours: z.number().positive().default(4),
        /** connections open at once, in all; and to one destination */
        maxConnections: z.number().int().positive().default(20),
        maxConnectionsPerDestination: z.number().int().positive().default(2),
        /** messages sent over one connection before it is closed */
        maxMessagesPerConnection: z.number().int().positive().default(50),
        /** seconds to connect, and to wait for any reply */
        connectTimeout: z.number().positive().default(30),
        commandTimeout: z.number().positive().default(300),
        /** seconds between looks at the queue when nothing nudges the relay */
        pollInterval: z.number().positive().default(30),
      })
      .strict()
      .prefault({}),
    log: z
      .object({ level: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info') })
      .strict()
      .prefault({}),
  })
  .strict();

export type Config = z.infer<typeof schema>;
export type ServiceName = keyof Config['ports'];

export class ConfigError extends Error {
  readonly type = 'ConfigError' as const;
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

const PORT_ENV: Record<ServiceName, string> = {
  smtp: 'POSTLOG_SMTP_PORT',
  submission: 'POSTLOG_SUBMISSION_PORT',
  submissions: 'POSTLOG_SUBMISSIONS_PORT',
  imap: 'POSTLOG_IMAP_PORT',
  imaps: 'POSTLOG_IMAPS_PORT',
  pop3: 'POSTLOG_POP3_PORT',
  pop3s: 'POSTLOG_POP3S_PORT',
  ldap: 'POSTLOG_LDAP_PORT',
  ldaps: 'POSTLOG_LDAPS_PORT',
};

const list = (v: string) => v.split(',').map((s) => s.trim()).filter(Boolean);

/** Reads the environment into the same shape as the file, remembering which variable set what. */
function fromEnv(env: NodeJS.ProcessEnv): { values: Record<string, any>; names: Map<string, string> } {
  const values: Record<string, any> = {};
  const names = new Map<string, string>();
  const set = (path: string[], name: string, value: unknown) => {
    let target = values;
    for (const p of path.slice(0, -1)) target = target[p] ??= {};
    target[path.at(-1)!] = value;
    names.set(path.join('.'), name);
  };
  for (const [service, name] of Object.entries(PORT_ENV)) {
    const raw = env[name];
    if (raw !== undefined) set(['ports', service], name, /^\d+$/.test(raw.trim()) ? Number(raw) : raw);
  }
  if (env.POSTLOG_HOSTNAME !== undefined) set(['hostname'], 'POSTLOG_HOSTNAME', env.POSTLOG_HOSTNAME);
  if (env.POSTLOG_DOMAINS !== undefined) set(['domains'], 'POSTLOG_DOMAINS', list(env.POSTLOG_DOMAINS));
  if (env.POSTLOG_TRUSTED_NETWORKS !== undefined) set(['trustedNetworks'], 'POSTLOG_TRUSTED_NETWORKS', list(env.POSTLOG_TRUSTED_NETWORKS));
  if (env.POSTLOG_LISTEN_HOST !== undefined) set(['listenHost'], 'POSTLOG_LISTEN_HOST', env.POSTLOG_LISTEN_HOST);
  if (env.POSTLOG_TLS_CERT !== undefined) set(['tls', 'cert'], 'POSTLOG_TLS_CERT', env.POSTLOG_TLS_CERT);
  if (env.POSTLOG_TLS_KEY !== undefined) set(['tls', 'key'], 'POSTLOG_TLS_KEY', env.POSTLOG_TLS_KEY);
  if (env.POSTLOG_LDAP_SUFFIX !== undefined) set(['ldap', 'suffix'], 'POSTLOG_LDAP_SUFFIX', env.POSTLOG_LDAP_SUFFIX);
  if (env.POSTLOG_LDAP_ALLOW_ANONYMOUS !== undefined) {
    const raw = env.POSTLOG_LDAP_ALLOW_ANONYMOUS.trim().toLowerCase();
    set(['ldap', 'allowAnonymous'], 'POSTLOG_LDAP_ALLOW_ANONYMOUS', ['true', 'yes', '1'].includes(raw) ? true : ['false', 'no', '0'].includes(raw) ? false : raw);
  }
  if (env.POSTLOG_DNS_SERVERS !== undefined) set(['relay', 'dnsServers'], 'POSTLOG_DNS_SERVERS', list(env.POSTLOG_DNS_SERVERS));
  if (env.POSTLOG_SMARTHOST !== undefined) set(['relay', 'smarthost'], 'POSTLOG_SMARTHOST', env.POSTLOG_SMARTHOST);
  if (env.POSTLOG_SMARTHOST_USER !== undefined) set(['relay', 'smarthostUser'], 'POSTLOG_SMARTHOST_USER', env.POSTLOG_SMARTHOST_USER);
  if (env.POSTLOG_SMARTHOST_PASSWORD !== undefined) set(['relay', 'smarthostPassword'], 'POSTLOG_SMARTHOST_PASSWORD', env.POSTLOG_SMARTHOST_PASSWORD);
  if (env.POSTLOG_RELAY_PORT !== undefined) set(['relay', 'port'], 'POSTLOG_RELAY_PORT', /^\d+$/.test(env.POSTLOG_RELAY_PORT.trim()) ? Number(env.POSTLOG_RELAY_PORT) : env.POSTLOG_RELAY_PORT);
  if (env.POSTLOG_LOG_LEVEL !== undefined) set(['log', 'level'], 'POSTLOG_LOG_LEVEL', env.POSTLOG_LOG_LEVEL);
  return { values, names };
}

function merge(base: Record<string, any>, over: Record<string, any>): Record<string, any> {
  const out = { ...base };
  for (const [k, v] of Object.entries(over)) {
    out[k] = v && typeof v === 'object' && !Array.isArray(v) && base[k] && typeof base[k] === 'object' ? merge(base[k], v) : v;
  }
  return out;
}

export function loadConfig(file: string | undefined, env: NodeJS.ProcessEnv = process.env): Config {
  let fromFile: Record<string, any> = {};
  if (file) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (error) {
      throw new ConfigError(`cannot read config file ${file}: ${(error as Error).message}`);
    }
    try {
      fromFile = parseYaml(text) ?? {};
    } catch (error) {
      throw new ConfigError(`config file ${file} is not valid YAML/JSON: ${(error as Error).message}`);
    }
    if (typeof fromFile !== 'object' || Array.isArray(fromFile)) throw new ConfigError(`config file ${file} must hold a mapping of keys`);
  }
  const { values, names } = fromEnv(env);
  const result = schema.safeParse(merge(fromFile, values));
  if (!result.success) {
    const problems = result.error.issues.map((issue) => {
      const path = issue.path.join('.');
      const variable = [...names].find(([key]) => path === key || path.startsWith(key + '.'))?.[1];
      const where = path || 'top level';
      const source = variable ? `${variable} (${where})` : file ? `${where} in ${file}` : where;
      return `${source}: ${issue.message}`;
    });
    throw new ConfigError(`invalid configuration:\n  ${problems.join('\n  ')}`);
  }
  return result.data;
}
