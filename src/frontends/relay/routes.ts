// Where mail for a domain goes: the configured smarthost, or the domain's MX hosts in order of
// preference (RFC 5321 section 5.1), each with its addresses, or the domain itself when it has
// no MX. DNS goes to the configured servers (POSTLOG_DNS_SERVERS), else to the system's.
import { Resolver } from 'node:dns/promises';
import { isIP } from 'node:net';

export type Destination = Readonly<{
  /** MX name, smarthost name, or the domain itself */
  name: string;
  /** addresses to try, in order; a name left for the system to resolve (smarthost) when empty */
  addresses: readonly string[];
  port: number;
}>;

/** No route to the domain: permanent when DNS said so, temporary when DNS did not answer. */
export class RouteError extends Error {
  readonly type = 'RouteError' as const;
  constructor(
    readonly domain: string,
    message: string,
    readonly permanent: boolean,
  ) {
    super(message);
    this.name = 'RouteError';
  }
}

export type RouteSettings = Readonly<{
  /** host[:port] list; empty for the system's resolvers */
  dnsServers: readonly string[];
  /** milliseconds per DNS query */
  timeout: number;
  /** port of remote MX servers (25; another in tests) */
  port: number;
  smarthost?: Readonly<{ host: string; port: number }>;
}>;

/** "no data" and "no such name" both mean the record is not there; anything else is DNS failing. */
const ABSENT = new Set(['ENODATA', 'ENOTFOUND']);

export class Routes {
  private readonly resolver: Resolver;

  constructor(private readonly settings: RouteSettings) {
    this.resolver = new Resolver({ timeout: settings.timeout, tries: 2 });
    if (settings.dnsServers.length) this.resolver.setServers([...settings.dnsServers]);
  }

  /** The hosts to try for `domain`, best first. Throws RouteError. */
  async lookup(domain: string): Promise<Destination[]> {
    const { smarthost, port } = this.settings;
    if (smarthost) return [{ name: smarthost.host, addresses: isIP(smarthost.host) ? [smarthost.host] : [], port: smarthost.port }];
    const literal = /^\[(.+)\]$/.exec(domain)?.[1];
    if (literal && isIP(literal.replace(/^IPv6:/i, ''))) return [{ name: domain, addresses: [literal.replace(/^IPv6:/i, '')], port }];

    const mx = await this.query(domain, 'MX', () => this.resolver.resolveMx(domain));
    if (mx.length === 1 && (mx[0]!.exchange === '' || mx[0]!.exchange === '.')) {
      throw new RouteError(domain, `${domain} does not accept mail (null MX, RFC 7505)`, true);
    }
    const names = mx.length ? [...mx].sort((a, b) => a.priority - b.priority).map((r) => r.exchange) : [domain];
    const out: Destination[] = [];
    let failure: RouteError | undefined;
    for (const name of names) {
      try {
        const addresses = await this.addresses(name);
        if (addresses.length) out.push({ name, addresses, port });
      } catch (error) {
        if (!(error instanceof RouteError)) throw error;
        failure = error;
      }
    }
    if (out.length) return out;
    if (failure) throw failure;
    const what = mx.length ? `its MX hosts (${names.join(', ')}) have no A or AAAA records` : 'it has no MX and no A or AAAA records';
    throw new RouteError(domain, `no route to ${domain}: ${what}`, true);
  }

  private async addresses(name: string): Promise<string[]> {
    if (isIP(name)) return [name];
    const [v4, v6] = await Promise.all([
      this.query(name, 'A', () => this.resolver.resolve4(name)),
      this.query(name, 'AAAA', () => this.resolver.resolve6(name)),
    ]);
    return [...v4, ...v6];
  }

  private async query<T>(name: string, type: string, run: () => Promise<T[]>): Promise<T[]> {
    try {
      return await run();
    } catch (error) {
      const code = (error as { code?: string }).code ?? 'unknown';
      if (ABSENT.has(code)) return [];
      throw new RouteError(name, `DNS ${type} lookup for ${name} failed: ${code}`, false);
    }
  }
}
