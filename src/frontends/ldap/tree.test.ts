import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { DirectoryTree } from './tree.ts';
import type { DirectoryUser } from '../../projections/directory-view.ts';
import { attributeType } from './schema.ts';

const user = (uid: string, aliases: string[] = []): DirectoryUser => ({ accountId: `id-${uid}`, address: `${uid}@example.org`, uid, enabled: true, aliases });
const view = (users: DirectoryUser[]) => ({ users: () => users, groups: () => [], ownerOf: () => undefined, group: () => undefined });
const MAIL = attributeType('mail')!.slot;

describe('LDAP tree rebuild', () => {
  it('reuses the entries of unchanged users, renumbered, and re-encodes the changed ones', () => {
    const first = new DirectoryTree('dc=example,dc=org', view([user('bob'), user('carol')]));
    const second = new DirectoryTree('dc=example,dc=org', view([user('alice'), user('bob', ['b@example.org']), user('carol')]), first.userEntries);
    const [alice, bob, carol] = ['id-alice', 'id-bob', 'id-carol'].map((id) => second.byAccount.get(id)!);
    assert.equal(carol, first.byAccount.get('id-carol'), 'carol is the same entry');
    assert.notEqual(bob, first.byAccount.get('id-bob'), 'bob changed');
    assert.deepEqual(bob!.values[MAIL], ['bob@example.org', 'b@example.org']);
    for (const e of [alice!, bob!, carol!]) assert.equal(second.entries[e.position], e, `${e.dn} knows its position`);
  });
});
