// The LDAP front-end through OpenLDAP's own clients (Debian's ldap-utils): ldapwhoami and
// ldapsearch, plain, with StartTLS (-ZZ) and over ldaps; and a change made with the CLI, in
// another process, seen by the running server's next search.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawnSync } from 'node:child_process';
import { startLdapFixture, SUFFIX, type LdapFixture } from './server.ts';
import { postlogCli } from '../helpers/cli.ts';

const missing = spawnSync('ldapsearch', ['-VV']).error ? 'ldap-utils is not installed (apt-get install ldap-utils)' : false;
const ADDRESS_BOOK = '(|(cn=*smi*)(mail=*smi*)(sn=*smi*)(givenName=*smi*))';

type Run = { code: number; out: string; err: string };
function run(command: string, args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    const child = execFile(command, args, { env: { ...process.env, LDAPTLS_REQCERT: 'never', LDAPCONF: '/dev/null' } }, (error, out, err) =>
      resolve({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, out, err }),
    );
    child.stdin?.end();
  });
}

const dnsOf = (ldif: string) => [...ldif.matchAll(/^dn: (.*)$/gm)].map((m) => m[1]!);

describe('LDAP with ldapsearch and ldapwhoami', { skip: missing }, () => {
  let f: LdapFixture;
  let untrusted: LdapFixture;
  before(async () => {
    [f, untrusted] = await Promise.all([startLdapFixture({ allowAnonymous: true }), startLdapFixture({ trustedNetworks: [] })]);
  });
  after(async () => {
    await Promise.all([f.close(), untrusted.close()]);
  });
  const search = (fixture: LdapFixture, args: string[]) =>
    run('ldapsearch', ['-LLL', '-x', '-H', fixture.url, '-D', fixture.dn('alice'), '-w', 'alice-pw', ...args]);

  it('ldapwhoami: right password, wrong password, disabled user, mail= bind', async () => {
    const [ok, byMail, wrong, disabled, outside] = await Promise.all([
      run('ldapwhoami', ['-x', '-H', f.url, '-D', f.dn('alice'), '-w', 'alice-pw']),
      run('ldapwhoami', ['-x', '-H', f.url, '-D', 'mail=bob@example.org', '-w', 'bob-pw']),
      run('ldapwhoami', ['-x', '-H', f.url, '-D', f.dn('alice'), '-w', 'nope']),
      run('ldapwhoami', ['-x', '-H', f.url, '-D', f.dn('carol'), '-w', 'carol-pw']),
      run('ldapwhoami', ['-x', '-H', f.url, '-D', 'cn=admin,dc=elsewhere,dc=com', '-w', 'secret']),
    ]);
    assert.equal(ok.out.trim(), `dn:${f.dn('alice')}`);
    assert.equal(byMail.out.trim(), `dn:${f.dn('bob')}`);
    assert.equal(wrong.code, 49);
    assert.match(wrong.err, /Invalid credentials \(49\)/);
    assert.equal(disabled.code, 49);
    assert.match(disabled.err, /account disabled/);
    assert.equal(outside.code, 49, 'a bind DN outside the suffix is invalid credentials');
  });

  it('ldapsearch: by mail, the address-book query, scopes and a size limit', async () => {
    const [byMail, book, one, base, limited] = await Promise.all([
      search(f, ['-b', SUFFIX, '(mail=a.smith@example.org)', 'mail']),
      search(f, ['-b', SUFFIX, ADDRESS_BOOK, 'cn', 'mail']),
      search(f, ['-b', SUFFIX, '-s', 'one', '(objectClass=*)', '1.1']),
      search(f, ['-b', `ou=people,${SUFFIX}`, '-s', 'base', '(objectClass=*)', '1.1']),
      search(f, ['-b', SUFFIX, '-z', '2', '(objectClass=*)', '1.1']),
    ]);
    assert.equal(byMail.out, `dn: ${f.dn('alice')}\nmail: alice@example.org\nmail: a.smith@example.org\n\n`);
    assert.deepEqual(dnsOf(book.out), [f.dn('alice'), f.dn('bob')]);
    assert.match(book.out, /cn: Bob Smithers/);
    assert.deepEqual(dnsOf(one.out), [`ou=people,${SUFFIX}`, `ou=groups,${SUFFIX}`]);
    assert.deepEqual(dnsOf(base.out), [`ou=people,${SUFFIX}`]);
    assert.equal(limited.code, 4);
    assert.equal(dnsOf(limited.out).length, 2);
  });

  it('anonymous search when the configuration allows it', async () => {
    const r = await run('ldapsearch', ['-LLL', '-x', '-H', f.url, '-b', SUFFIX, '(uid=bob)', 'cn']);
    assert.equal(r.out, `dn: ${f.dn('bob')}\ncn: Bob Smithers\n\n`);
  });

  it('a password in clear from outside the trusted networks only after StartTLS (-ZZ) or over ldaps', async () => {
    const ldaps = `ldaps://127.0.0.1:${untrusted.tlsPort}`;
    const [plain, startTls, implicit] = await Promise.all([
      run('ldapwhoami', ['-x', '-H', untrusted.url, '-D', untrusted.dn('alice'), '-w', 'alice-pw']),
      run('ldapwhoami', ['-ZZ', '-x', '-H', untrusted.url, '-D', untrusted.dn('alice'), '-w', 'alice-pw']),
      run('ldapwhoami', ['-x', '-H', ldaps, '-D', untrusted.dn('bob'), '-w', 'bob-pw']),
    ]);
    assert.equal(plain.code, 13);
    assert.match(plain.err, /Confidentiality required/);
    assert.equal(startTls.out.trim(), `dn:${untrusted.dn('alice')}`, startTls.err);
    assert.equal(implicit.out.trim(), `dn:${untrusted.dn('bob')}`, implicit.err);
    const searched = await run('ldapsearch', ['-ZZ', '-LLL', '-x', '-H', untrusted.url, '-D', untrusted.dn('alice'), '-w', 'alice-pw', '-b', SUFFIX, ADDRESS_BOOK, '1.1']);
    assert.deepEqual(dnsOf(searched.out), [untrusted.dn('alice'), untrusted.dn('bob')]);
  });

  it('a user added with the CLI, in another process, is found by the next search', async () => {
    const postlog = postlogCli(f.dataDir, { POSTLOG_DOMAINS: 'example.org' });
    const added = await postlog(['user', 'add', 'dave@example.org', '--name', 'Dave Smithson', '--password-stdin'], 'dave-pw\n');
    assert.equal(added.code, 0, added.err);
    let found: string[] = [];
    for (let i = 0; i < 50 && found.length < 3; i++) {
      found = dnsOf((await search(f, ['-b', SUFFIX, ADDRESS_BOOK, '1.1'])).out);
      if (found.length < 3) await new Promise((r) => setTimeout(r, 100));
    }
    assert.deepEqual(found, [f.dn('alice'), f.dn('bob'), f.dn('dave')]);
    const whoami = await run('ldapwhoami', ['-x', '-H', f.url, '-D', 'mail=dave@example.org', '-w', 'dave-pw']);
    assert.equal(whoami.out.trim(), `dn:${f.dn('dave')}`);
  });
});
