import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import ldap from 'ldapjs';
import { DirectoryTree } from './tree.ts';
import { compileFilter } from './filter.ts';
import { evaluate } from './filter-index.ts';
import type { LdapFilter } from './ldapjs.ts';
import type { DirectoryUser } from '../../projections/directory-view.ts';

const GIVEN = ['Ada', 'Smilla', 'Bo', 'Asmita', undefined];
const SURNAMES = ['Smith', 'Jones', 'Nesmith', 'Psmi', undefined];
const users: DirectoryUser[] = Array.from({ length: 150 }, (_, i) => {
  const givenName = GIVEN[i % GIVEN.length];
  const surname = SURNAMES[(i * 3) % SURNAMES.length];
  return {
    accountId: `a${i}`,
    address: `${(givenName ?? 'x').toLowerCase()}.${i}@example.org`,
    uid: `user${i}`,
    enabled: true,
    aliases: i % 7 === 0 ? [`smi${i}@example.org`] : [],
    ...(givenName && { givenName }),
    ...(surname && { surname }),
    ...(i % 4 === 0 && { displayName: `${givenName ?? ''} ${surname ?? ''} the ${i}`.trim() }),
    ...(i % 5 === 0 && { phone: `+1 555-${String(i).padStart(4, '0')}` }),
  };
});
const view = { users: () => users, groups: () => [], ownerOf: () => undefined, group: () => undefined };
const tree = new DirectoryTree('dc=example,dc=org', view);

const FILTERS = [
  '(|(cn=*smi*)(mail=*smi*)(sn=*smi*)(givenName=*smi*))',
  '(cn=*smi*)', '(sn=smi*)', '(sn=*smi)', '(sn=*ith)', '(sn=Smith)', '(SN=SMITH)', '(surname=nesmith)',
  '(mail=*@example.org)', '(mail=smi*)', '(cn=a*s*)', '(cn=Ada*the*1*)', '(givenName=*)', '(displayName=*)',
  '(&(givenName=ada)(!(sn=smith)))', '(|(uid=user3)(telephoneNumber=+15550005))', '(telephoneNumber=*555*00*)',
  '(objectClass=*)', '(!(objectClass=inetOrgPerson))', '(objectClass=organizationalUnit)', '(!(cn=*))',
  '(&(!(sn=*))(givenName=bo))', '(cn=*)', '(uid=user1*)',
];

describe('filters answered from columns', () => {
  it('select exactly the entries the entry-by-entry predicate selects', () => {
    for (const text of FILTERS) {
      const filter = ldap.parseFilter(text) as unknown as LdapFilter;
      const flags = evaluate(filter, tree.filterIndex);
      assert.ok(flags, `${text} is answered from the columns`);
      const predicate = compileFilter(filter);
      const expected = tree.entries.map((e) => (predicate(e) ? 1 : 0));
      assert.deepEqual([...flags], expected, text);
    }
  });
  it('leaves to the predicate what needs three-valued logic or ordering', () => {
    for (const text of ['(noSuchAttribute=x)', '(!(noSuchAttribute=x))', '(sn>=m)', '(cn:caseExactMatch:=Ada)']) {
      assert.equal(evaluate(ldap.parseFilter(text) as unknown as LdapFilter, tree.filterIndex), undefined, text);
    }
  });
});
