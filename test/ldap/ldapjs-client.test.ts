// The LDAP front-end through a Node client (ldapjs): binds, the address-book queries, filters,
// attribute selection, limits, StartTLS, and a read-only directory.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import ldap from 'ldapjs';
import { startLdapFixture, SUFFIX, type LdapFixture } from './server.ts';
import { code, connect, type LdapClient } from './client.ts';

describe('LDAP with the ldapjs client', () => {
  let f: LdapFixture;
  let client: LdapClient;
  before(async () => {
    f = await startLdapFixture({ extra: 30, sizeLimit: 20 });
    client = await connect(f.url);
    await client.bind(f.dn('alice'), 'alice-pw');
  });
  after(async () => {
    await client.close();
    await f.close();
  });

  it('binds with the right password by DN or by mail=, and refuses a wrong one or a disabled user', async () => {
    const other = await connect(f.url);
    try {
      await other.bind(f.dn('bob'), 'bob-pw');
      await other.bind('mail=a.smith@example.org', 'alice-pw').then(
        () => assert.fail('an alias is not a login name'),
        (e) => assert.equal(code(e), 49),
      );
      await other.bind('mail=alice@example.org', 'alice-pw');
      await other.bind(`mail=bob@example.org,ou=people,${SUFFIX}`, 'bob-pw');
      await assert.rejects(other.bind(f.dn('bob'), 'wrong'), (e) => code(e) === 49);
      await assert.rejects(other.bind(f.dn('carol'), 'carol-pw'), (e) => code(e) === 49);
      await assert.rejects(other.bind(f.dn('nobody'), 'x'), (e) => code(e) === 49);
    } finally {
      await other.close();
    }
  });

  it('finds a person by any of their addresses, with every address in mail', async () => {
    const [alice] = await client.search(SUFFIX, { filter: '(mail=A.Smith@example.org)' });
    assert.equal(alice?.dn, f.dn('alice'));
    assert.deepEqual(alice.attributes.mail, ['alice@example.org', 'a.smith@example.org']);
    assert.deepEqual(alice.attributes.objectClass, ['top', 'person', 'organizationalPerson', 'inetOrgPerson']);
    assert.deepEqual(
      [alice.attributes.uid, alice.attributes.cn, alice.attributes.sn, alice.attributes.givenName, alice.attributes.telephoneNumber],
      [['alice'], ['Alice Smith'], ['Smith'], ['Alice'], ['+1 555 0100']],
    );
    assert.equal(alice.attributes.userPassword, undefined, 'no password hash over LDAP');
  });

  it("answers the address book's substring query", async () => {
    const found = await client.search(SUFFIX, { filter: '(|(cn=*smi*)(mail=*smi*)(sn=*smi*)(givenName=*smi*))', attributes: ['cn', 'mail'] });
    assert.deepEqual(found.map((e) => e.dn), [f.dn('alice'), f.dn('bob')]);
    assert.deepEqual(Object.keys(found[1]!.attributes).sort(), ['cn', 'mail'], 'only the attributes asked for');
  });

  it('evaluates and, or, not, presence, equality by each attribute rule, and initial/final substrings', async () => {
    const dns = async (filter: string) => (await client.search(`ou=people,${SUFFIX}`, { filter, scope: 'one', attributes: ['1.1'] })).map((e) => e.dn);
    assert.deepEqual(await dns('(&(givenName=bob)(!(sn=Smith)))'), [f.dn('bob')]);
    assert.deepEqual(await dns('(telephoneNumber=+15550100)'), [f.dn('alice')], 'telephoneNumberMatch ignores spaces');
    assert.deepEqual(await dns('(&(telephoneNumber=*)(objectClass=inetOrgPerson))'), [f.dn('alice')]);
    assert.deepEqual(await dns('(sn=smi*ers)'), [f.dn('bob')]);
    assert.deepEqual(await dns('(|(uid=carol)(cn=Bob Smithers))'), [f.dn('bob'), f.dn('carol')]);
    assert.deepEqual(await dns('(!(unknownAttribute=x))'), [], 'NOT of Undefined is Undefined');
    assert.deepEqual(await dns('(&(!(uid=alice))(!(uid=user*)))'), [f.dn('bob'), f.dn('carol')]);
  });

  it('honours base, one and sub scope, and the group entries', async () => {
    const base = await client.search(`ou=people,${SUFFIX}`, { scope: 'base' });
    assert.deepEqual(base.map((e) => e.dn), [`ou=people,${SUFFIX}`]);
    const one = await client.search(SUFFIX, { scope: 'one' });
    assert.deepEqual(one.map((e) => e.dn), [`ou=people,${SUFFIX}`, `ou=groups,${SUFFIX}`]);
    const [team] = await client.search(`ou=groups,${SUFFIX}`, { scope: 'one', filter: '(objectClass=groupOfNames)' });
    assert.deepEqual(team?.attributes.member, [f.dn('alice'), f.dn('bob')]);
    await assert.rejects(client.search(`ou=nowhere,${SUFFIX}`, {}), (e) => code(e) === 32);
  });

  it('stops at the size limit, asked by the client or set by the server', async () => {
    await assert.rejects(client.search(SUFFIX, { filter: '(uid=user*)', sizeLimit: 5 }), (e: any) => code(e) === 4 && e.found.length === 5);
    await assert.rejects(client.search(SUFFIX, { filter: '(uid=user*)' }), (e: any) => code(e) === 4 && e.found.length === 20);
    assert.equal((await client.search(SUFFIX, { filter: '(uid=user000*)', timeLimit: 1 })).length, 9, 'a time limit is accepted');
  });

  it('is read-only and compares values', async () => {
    const change = new ldap.Change({ operation: 'replace', modification: new ldap.Attribute({ type: 'sn', values: ['X'] }) });
    await assert.rejects(new Promise<void>((ok, fail) => client.raw.modify(f.dn('alice'), change, (e) => (e ? fail(e) : ok()))), (e) => code(e) === 53);
    await assert.rejects(new Promise<void>((ok, fail) => client.raw.del(f.dn('bob'), (e) => (e ? fail(e) : ok()))), (e) => code(e) === 53);
    const compare = (attribute: string, value: string) =>
      new Promise<boolean>((ok, fail) => client.raw.compare(f.dn('alice'), attribute, value, (e, matched) => (e ? fail(e) : ok(matched!))));
    assert.equal(await compare('mail', 'A.Smith@example.org'), true);
    assert.equal(await compare('sn', 'Jones'), false);
  });

  it('upgrades to TLS with StartTLS, then binds and searches', async () => {
    const secured = await connect(f.url);
    try {
      await secured.startTls();
      await secured.bind(f.dn('bob'), 'bob-pw');
      assert.equal((await secured.search(SUFFIX, { filter: '(uid=bob)' })).length, 1);
    } finally {
      await secured.close();
    }
  });

  it('refuses anonymous searches unless configured, but always shows the rootDSE', async () => {
    const anonymous = await connect(f.url);
    try {
      await assert.rejects(anonymous.search(SUFFIX, { filter: '(uid=alice)' }), (e) => code(e) === 50);
      const [root] = await anonymous.search('', { scope: 'base', attributes: ['namingContexts', 'supportedExtension'] });
      assert.deepEqual(root?.attributes.namingContexts, [SUFFIX]);
      assert.ok(root.attributes.supportedExtension?.includes('1.3.6.1.4.1.1466.20037'));
    } finally {
      await anonymous.close();
    }
  });
});
