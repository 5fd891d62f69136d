// A throwaway OpenLDAP slapd on loopback for the LDAP bench: its own config and mdb database in
// a temporary directory, loaded with slapadd from the same people postlog serves.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import { join } from 'node:path';
import { SUFFIX, type Person } from './ldap-load.ts';

const SLAPD = '/usr/sbin/slapd';
const SLAPADD = '/usr/sbin/slapadd';

export type Slapd = { port: number; stop(): void };

/** Why slapd cannot run here, or undefined when it can. */
export function slapdMissing(): string | undefined {
  if (!existsSync(SLAPD) || !existsSync(SLAPADD)) return 'slapd is not installed (apt-get install slapd)';
  if (!existsSync('/etc/ldap/schema/inetorgperson.schema')) return 'the OpenLDAP schema files are missing (/etc/ldap/schema)';
  return undefined;
}

function ldif(list: readonly Person[]): string {
  const head = [
    `dn: ${SUFFIX}\nobjectClass: top\nobjectClass: dcObject\nobjectClass: organization\ndc: example\no: example.org\n`,
    `dn: ou=people,${SUFFIX}\nobjectClass: top\nobjectClass: organizationalUnit\nou: people\n`,
  ];
  const entries = list.map(
    (p) =>
      `dn: uid=${p.uid},ou=people,${SUFFIX}\nobjectClass: top\nobjectClass: person\nobjectClass: organizationalPerson\nobjectClass: inetOrgPerson\n` +
      `uid: ${p.uid}\ncn: ${p.given} ${p.surname}\nsn: ${p.surname}\ngivenName: ${p.given}\nmail: ${p.mail}\ntelephoneNumber: ${p.phone}\n`,
  );
  return [...head, ...entries].join('\n');
}

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

async function reachable(port: number, tries = 100): Promise<void> {
  for (let i = 0; i < tries; i++) {
    const ok = await new Promise<boolean>((resolve) => {
      const s = connect(port, '127.0.0.1', () => (s.end(), resolve(true)));
      s.on('error', () => resolve(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`slapd did not listen on port ${port}`);
}

/** Configures, loads and starts slapd; `indexed` adds the equality and substring indexes an admin would. */
export async function startSlapd(dir: string, list: readonly Person[], indexed: boolean): Promise<Slapd> {
  const db = join(dir, indexed ? 'db-indexed' : 'db');
  mkdirSync(db, { recursive: true });
  const conf = join(dir, indexed ? 'slapd-indexed.conf' : 'slapd.conf');
  writeFileSync(
    conf,
    [
      'include /etc/ldap/schema/core.schema',
      'include /etc/ldap/schema/cosine.schema',
      'include /etc/ldap/schema/inetorgperson.schema',
      `pidfile ${join(dir, 'slapd.pid')}`,
      'modulepath /usr/lib/ldap',
      'moduleload back_mdb',
      'loglevel 0',
      'sizelimit unlimited',
      'database mdb',
      `suffix "${SUFFIX}"`,
      `rootdn "cn=admin,${SUFFIX}"`,
      `directory ${db}`,
      'maxsize 1073741824',
      'index objectClass eq',
      ...(indexed ? ['index uid eq', 'index cn,sn,givenName,mail eq,sub'] : []),
      '',
    ].join('\n'),
  );
  const ldifFile = join(dir, 'people.ldif');
  writeFileSync(ldifFile, ldif(list));
  const added = spawnSync(SLAPADD, ['-q', '-f', conf, '-l', ldifFile], { encoding: 'utf8' });
  if (added.status !== 0) throw new Error(`slapadd failed: ${added.stderr || added.stdout}`);
  const port = await freePort();
  const child: ChildProcess = spawn(SLAPD, ['-d', '0', '-f', conf, '-h', `ldap://127.0.0.1:${port}/`], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (d) => (stderr += d));
  try {
    await reachable(port);
  } catch (error) {
    child.kill('SIGKILL');
    throw new Error(`${(error as Error).message}: ${stderr.trim()}`);
  }
  return { port, stop: () => void child.kill('SIGTERM') };
}
