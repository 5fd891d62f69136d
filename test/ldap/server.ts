// A temporary directory served over LDAP on 127.0.0.1, port 0, for the LDAP tests.
import pino from 'pino';
import { openRuntime, type Runtime } from '../../src/frontends/runtime.ts';
import { loadConfig } from '../../src/frontends/config.ts';
import { loadTls } from '../../src/frontends/tls.ts';
import { startLdap } from '../../src/frontends/ldap/front-end.ts';
import { settled, tempDir, userContext } from '../helpers/runtime.ts';

export const SUFFIX = 'dc=example,dc=org';

export type LdapFixture = Readonly<{
  runtime: Runtime;
  dataDir: string;
  port: number;
  tlsPort: number;
  url: string;
  /** DN of a user by login name */
  dn: (uid: string) => string;
  close(): Promise<void>;
}>;

/** Users: alice (Alice Smith, alias a.smith@), bob (Bob Smithers), carol (disabled), and
 * `extra` more (user0001 ... with surnames that do not contain "smi"). */
export async function startLdapFixture(
  options: { allowAnonymous?: boolean; extra?: number; sizeLimit?: number; trustedNetworks?: string[] } = {},
): Promise<LdapFixture> {
  const dir = tempDir('postlog-ldap-');
  const defaults = loadConfig(undefined, {});
  const config = { ...defaults, domains: ['example.org'], trustedNetworks: options.trustedNetworks ?? defaults.trustedNetworks };
  const runtime = await openRuntime(dir.path, { follow: true, config });
  const ctx = userContext(runtime);
  const d = runtime.directoryService;
  const alice = await d.addUser('alice@example.org', ctx, { password: 'alice-pw', displayName: 'Alice Smith', givenName: 'Alice', surname: 'Smith', phone: '+1 555 0100' });
  await d.addUser('bob@example.org', ctx, { password: 'bob-pw', givenName: 'Bob', surname: 'Smithers' });
  const carol = await d.addUser('carol@example.org', ctx, { password: 'carol-pw', givenName: 'Carol', surname: 'Jones' });
  for (let i = 1; i <= (options.extra ?? 0); i++) {
    const n = String(i).padStart(4, '0');
    await d.addUser(`user${n}@example.org`, ctx, { givenName: `User${n}`, surname: `Person${n}` });
  }
  await d.addAlias('a.smith@example.org', alice, ctx);
  await d.setEnabled(carol, false, ctx);
  await d.createGroup('team@example.org', ctx, 'The Team');
  await d.setMember('team@example.org', 'a.smith@example.org', true, ctx);
  await d.setMember('team@example.org', 'bob@example.org', true, ctx);
  await settled(runtime);
  const tls = await loadTls(config, dir.path);
  const started = await startLdap({
    auth: runtime.auth,
    directory: runtime.directory,
    runner: runtime.runner,
    suffix: SUFFIX,
    allowAnonymous: options.allowAnonymous ?? false,
    sizeLimit: options.sizeLimit ?? 1000,
    timeLimitSeconds: 10,
    idleTimeoutMs: 60_000,
    tls,
    logger: pino({ level: process.env.LDAP_TEST_LOG ?? 'silent' }),
    host: '127.0.0.1',
    ports: { ldap: 0, ldaps: 0 },
  });
  const port = started.listeners.find((l) => l.service === 'ldap')!.port;
  const tlsPort = started.listeners.find((l) => l.service === 'ldaps')!.port;
  return {
    runtime,
    dataDir: dir.path,
    port,
    tlsPort,
    url: `ldap://127.0.0.1:${port}`,
    dn: (uid) => `uid=${uid},ou=people,${SUFFIX}`,
    async close() {
      await started.close();
      await runtime.close();
      dir.remove();
    },
  };
}
