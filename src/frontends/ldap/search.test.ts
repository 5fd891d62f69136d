import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import ldap from 'ldapjs';
import { DirectoryTree } from './tree.ts';
import { runSearch, type SearchQuery } from './search.ts';
import type { LdapFilter } from './ldapjs.ts';

const users = Array.from({ length: 600 }, (_, i) => ({ accountId: `a${i}`, address: `u${i}@example.org`, uid: `u${i}`, enabled: true, aliases: [] }));
const tree = new DirectoryTree('dc=example,dc=org', { users: () => users, groups: () => [], ownerOf: () => undefined, group: () => undefined });
const query = (filter: string, over: Partial<SearchQuery> = {}): SearchQuery => ({
  baseKey: 'dc=example,dc=org',
  scope: 2,
  filter: ldap.parseFilter(filter) as unknown as LdapFilter,
  attributes: [],
  typesOnly: false,
  sizeLimit: 0,
  timeLimit: 0,
  ...over,
});

describe('LDAP search limits', () => {
  it('stops at the time limit, the client asking less than the server allows', () => {
    let now = 0;
    const clock = () => (now += 5000);
    const outcome = runSearch(tree, 2, query('(uid=u*)', { timeLimit: 3 }), { sizeLimit: 10_000, timeLimitSeconds: 60 }, clock);
    assert.equal(outcome.result, 'timeLimitExceeded');
    assert.ok(outcome.messages.length > 0 && outcome.messages.length < 600);
  });
  it('stops at the smaller of the two size limits', () => {
    assert.equal(runSearch(tree, 2, query('(uid=u*)', { sizeLimit: 7 }), { sizeLimit: 100, timeLimitSeconds: 60 }).messages.length, 7);
    const capped = runSearch(tree, 2, query('(uid=u*)'), { sizeLimit: 100, timeLimitSeconds: 60 });
    assert.deepEqual([capped.result, capped.messages.length], ['sizeLimitExceeded', 100]);
    assert.equal(runSearch(tree, 2, query('(uid=u1*)'), { sizeLimit: 1000, timeLimitSeconds: 60 }).messages.length, 111);
  });
});
