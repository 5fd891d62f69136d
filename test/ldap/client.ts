// The ldapjs client, promised: bind, search (entries as plain objects), and the result code of
// whatever fails.
import ldap from 'ldapjs';

export type Found = { dn: string; attributes: Record<string, string[]> };

export type LdapClient = Readonly<{
  bind(dn: string, password: string): Promise<void>;
  search(base: string, options: { scope?: 'base' | 'one' | 'sub'; filter?: string; attributes?: string[]; sizeLimit?: number; timeLimit?: number; typesOnly?: boolean }): Promise<Found[]>;
  startTls(): Promise<void>;
  raw: ldap.Client;
  close(): Promise<void>;
}>;

/** The LDAP result code an ldapjs error carries. */
export function code(error: unknown): number | undefined {
  return (error as { code?: number }).code;
}

export function connect(url: string): Promise<LdapClient> {
  return new Promise((resolve, reject) => {
    const raw = ldap.createClient({ url: [url], tlsOptions: { rejectUnauthorized: false }, reconnect: false });
    raw.on('error', reject);
    raw.on('connect', () =>
      resolve({
        raw,
        bind: (dn, password) => new Promise((ok, fail) => raw.bind(dn, password, (e) => (e ? fail(e) : ok()))),
        startTls: () => new Promise((ok, fail) => raw.starttls({ rejectUnauthorized: false }, [], (e: Error | null) => (e ? fail(e) : ok()))),
        search: (base, options) =>
          new Promise((ok, fail) => {
            raw.search(base, { scope: 'sub', ...options } as ldap.SearchOptions, (error, res) => {
              if (error) return fail(error);
              const found: Found[] = [];
              res.on('searchEntry', (entry: any) => {
                const attributes: Record<string, string[]> = {};
                for (const a of entry.pojo.attributes as { type: string; values: string[] }[]) attributes[a.type] = a.values;
                found.push({ dn: entry.pojo.objectName, attributes });
              });
              res.on('error', (e) => fail(Object.assign(e, { found })));
              res.on('end', () => ok(found));
            });
          }),
        close: () => new Promise<void>((ok) => raw.unbind(() => ok())).then(() => raw.destroy()),
      }),
    );
  });
}
