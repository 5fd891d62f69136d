import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { directoryDecider } from './decider.ts';
import { scenario, testContext } from '../testing.ts';
import { eventOf } from '../event.ts';
import type { DirectoryEvent } from './events.ts';

const directory = scenario(directoryDecider);
const ctx = testContext();
const HASH = '{SSHA}gJu/C6NiwQuocBsaSRrkvupkCmW8ak39';

const created = (accountId: string, address: string, uid = address.split('@')[0]!) =>
  eventOf('AccountCreated', { accountId, address, uid }, ctx) as DirectoryEvent;
const alias = (address: string, accountId: string) => eventOf('AliasAdded', { address, accountId }, ctx) as DirectoryEvent;
const group = (address: string, name = address.split('@')[0]!) => eventOf('GroupCreated', { address, name }, ctx) as DirectoryEvent;
const member = (g: string, m: string) => eventOf('GroupMemberAdded', { group: g, member: m }, ctx) as DirectoryEvent;

describe('directory decider', () => {
  it('creates an account under a normalized address, deciding its login name', () => {
    directory.given([]).when({ type: 'createAccount', accountId: 'a1', address: ' Alice@Example.ORG ' }).then([
      { type: 'AccountCreated', data: { accountId: 'a1', address: 'alice@example.org', uid: 'alice' } },
    ]);
  });
  it('keeps the profile and the hash, never an empty field', () => {
    directory
      .given([])
      .when({ type: 'createAccount', accountId: 'a1', address: 'alice@example.org', displayName: ' Alice Smith ', givenName: 'Alice', surname: 'Smith', phone: '', passwordHash: HASH, quota: 1000 })
      .then([
        {
          type: 'AccountCreated',
          data: { accountId: 'a1', address: 'alice@example.org', displayName: 'Alice Smith', givenName: 'Alice', surname: 'Smith', quota: 1000, uid: 'alice', passwordHash: HASH },
        },
      ]);
  });
  it('gives the whole address as login name when the local part is taken in another domain', () => {
    directory.given([created('a1', 'alice@example.org')]).when({ type: 'createAccount', accountId: 'a2', address: 'alice@example.net' }).then([
      { type: 'AccountCreated', data: { accountId: 'a2', address: 'alice@example.net', uid: 'alice@example.net' } },
    ]);
  });
  it('refuses an address already in use, in any case, by a user, an alias or a group', () => {
    const history = [created('a1', 'alice@example.org'), alias('al@example.org', 'a1'), group('team@example.org')];
    for (const address of ['ALICE@example.org', 'al@example.org', 'team@Example.org']) {
      directory.given(history).when({ type: 'createAccount', accountId: 'a2', address }).thenThrows('AlreadyExists');
      directory.given(history).when({ type: 'addAlias', accountId: 'a1', address }).thenThrows('AlreadyExists');
      directory.given(history).when({ type: 'createGroup', address }).thenThrows('AlreadyExists');
    }
  });
  it('refuses strings that are not addresses, and bad profile fields', () => {
    for (const address of ['alice', '@example.org', 'alice@', 'a b@example.org', 'a..b@example.org', 'a@-bad-.org']) {
      directory.given([]).when({ type: 'createAccount', accountId: 'a1', address }).thenThrows('InvalidArgument');
    }
    directory.given([]).when({ type: 'createAccount', accountId: 'a1', address: 'a@example.org', displayName: 'Alice\u0007Smith' }).thenThrows('InvalidArgument');
    directory.given([]).when({ type: 'createAccount', accountId: 'a1', address: 'a@example.org', uid: 'a b' }).thenThrows('InvalidArgument');
    directory.given([]).when({ type: 'createAccount', accountId: 'a1', address: 'a@example.org', quota: -1 }).thenThrows('InvalidArgument');
    directory.given([]).when({ type: 'createAccount', accountId: 'a1', address: 'a@example.org', passwordHash: 'plaintext' }).thenThrows('InvalidArgument');
  });
  it('adds a domain once', () => {
    directory.given([]).when({ type: 'addDomain', domain: 'Example.ORG' }).then([{ type: 'DomainAdded', data: { domain: 'example.org' } }]);
    directory.given([eventOf('DomainAdded', { domain: 'example.org' }, ctx)]).when({ type: 'addDomain', domain: 'example.org' }).thenThrows('AlreadyExists');
    directory.given([]).when({ type: 'addDomain', domain: 'not a domain' }).thenThrows('InvalidArgument');
  });
  it('disables once, and enabling an enabled user changes nothing', () => {
    directory.given([created('a1', 'a@example.org')]).when({ type: 'disableUser', accountId: 'a1' }).then([{ type: 'UserDisabled', data: { accountId: 'a1' } }]);
    directory.given([created('a1', 'a@example.org')]).when({ type: 'enableUser', accountId: 'a1' }).then([]);
  });
  it('a rehash changes nothing when the password was changed meanwhile', () => {
    const history = [created('a1', 'a@example.org'), eventOf('PasswordChanged', { accountId: 'a1', passwordHash: HASH, reason: 'set' }, ctx) as DirectoryEvent];
    const fresh = '$scrypt$ln=15,r=8,p=1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA';
    directory.given(history).when({ type: 'changePassword', accountId: 'a1', passwordHash: fresh, reason: 'rehash', replaces: 'older' }).then([]);
    directory.given(history).when({ type: 'changePassword', accountId: 'a1', passwordHash: fresh, reason: 'rehash', replaces: HASH }).then([
      { type: 'PasswordChanged', data: { accountId: 'a1', passwordHash: fresh, reason: 'rehash' } },
    ]);
  });
  it('deleting a user frees its addresses and takes them out of every group', () => {
    const history = [created('a1', 'a@example.org'), alias('al@example.org', 'a1'), group('team@example.org'), member('team@example.org', 'al@example.org')];
    const events = directory.given(history).when({ type: 'deleteUser', accountId: 'a1' }).then([
      { type: 'GroupMemberRemoved', data: { group: 'team@example.org', member: 'al@example.org' } },
      { type: 'AliasRemoved', data: { address: 'al@example.org', accountId: 'a1' } },
      { type: 'UserDeleted', data: { accountId: 'a1', address: 'a@example.org' } },
    ]);
    directory.given([...history, ...events]).when({ type: 'createAccount', accountId: 'a2', address: 'al@example.org' }).then((e) => assert.equal(e.length, 1));
  });
  it('a group lists only addresses the directory holds, once, and never itself', () => {
    const history = [created('a1', 'a@example.org'), group('team@example.org'), group('all@example.org')];
    directory.given(history).when({ type: 'addGroupMember', group: 'all@example.org', member: 'Team@example.org' }).then([
      { type: 'GroupMemberAdded', data: { group: 'all@example.org', member: 'team@example.org' } },
    ]);
    directory.given(history).when({ type: 'addGroupMember', group: 'team@example.org', member: 'nobody@example.org' }).thenThrows('NotFound');
    directory.given(history).when({ type: 'addGroupMember', group: 'team@example.org', member: 'team@example.org' }).thenThrows('InvalidArgument');
    directory.given([...history, member('team@example.org', 'a@example.org')]).when({ type: 'addGroupMember', group: 'team@example.org', member: 'a@example.org' }).thenThrows('AlreadyExists');
    directory.given(history).when({ type: 'removeGroupMember', group: 'team@example.org', member: 'a@example.org' }).thenThrows('NotFound');
  });
  it('deleting a group removes it from the groups that list it', () => {
    const history = [group('team@example.org'), group('all@example.org'), member('all@example.org', 'team@example.org')];
    directory.given(history).when({ type: 'deleteGroup', address: 'team@example.org' }).then([
      { type: 'GroupMemberRemoved', data: { group: 'all@example.org', member: 'team@example.org' } },
      { type: 'GroupDeleted', data: { address: 'team@example.org' } },
    ]);
    directory.given(history).when({ type: 'removeAlias', address: 'team@example.org' }).thenThrows('NotFound');
  });
});
