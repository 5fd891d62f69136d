// Decides directory changes. Every address is held by one user, alias or group at most; removing
// a holder also takes its address out of every group, so no group lists an address nobody holds.
import { type Decider, refuse } from '../decider.ts';
import { type CommandContext, eventOf } from '../event.ts';
import { normalizeAddress, normalizeDomain, splitAddress } from './address.ts';
import type { DirectoryEvent, UserProfile } from './events.ts';
import { isPasswordHash } from './password/formats.ts';
import { checkedProfile } from './profile.ts';
import { defaultUid, type DirectoryState, evolveDirectory, initialDirectoryState, membershipsOf, type UserRecord } from './state.ts';

export type { DirectoryState } from './state.ts';

export type DirectoryCommand =
  | { type: 'addDomain'; domain: string }
  | ({ type: 'createAccount'; accountId: string; address: string; passwordHash?: string; disabled?: boolean } & UserProfile)
  /** with `replaces`, changes nothing unless the current hash is that one (a rehash never undoes an admin's change) */
  | { type: 'changePassword'; accountId: string; passwordHash: string; reason: 'set' | 'rehash'; replaces?: string }
  | { type: 'disableUser' | 'enableUser' | 'deleteUser'; accountId: string }
  | { type: 'addAlias'; address: string; accountId: string }
  | { type: 'removeAlias'; address: string }
  | { type: 'createGroup'; address: string; name?: string }
  | { type: 'deleteGroup'; address: string }
  | { type: 'addGroupMember' | 'removeGroupMember'; group: string; member: string };

function user(state: DirectoryState, accountId: string): UserRecord {
  const found = state.users.get(accountId);
  if (!found) refuse('NotFound', `no user with account id ${accountId}`);
  return found;
}

function free(state: DirectoryState, address: string): void {
  const owner = state.owners.get(address);
  if (owner) refuse('AlreadyExists', `address ${address} is already in use by ${owner.kind === 'group' ? 'a group' : owner.kind === 'alias' ? 'an alias' : 'a user'}`);
}

function checkedHash(hash: string): string {
  if (!isPasswordHash(hash)) refuse('InvalidArgument', 'the password hash is not in a scheme postlog can verify');
  return hash;
}

/** Events that take these addresses out of every group listing them. */
function leaveGroups(state: DirectoryState, addresses: Iterable<string>, ctx: CommandContext): DirectoryEvent[] {
  return membershipsOf(state, addresses).map((m) => eventOf('GroupMemberRemoved', m, ctx));
}

function createAccount(command: Extract<DirectoryCommand, { type: 'createAccount' }>, state: DirectoryState, ctx: CommandContext): DirectoryEvent[] {
  const { type: _, accountId, address: given, passwordHash, disabled, ...rest } = command;
  const address = normalizeAddress(given);
  free(state, address);
  if (state.users.has(accountId)) refuse('AlreadyExists', `account ${accountId} exists`);
  const profile = checkedProfile(rest, address);
  const uid = profile.uid ?? defaultUid((uid) => state.logins.has(uid), address);
  if (state.logins.has(uid)) refuse('AlreadyExists', `login name ${uid} is already in use`);
  const data = { accountId, address, ...profile, uid, ...(passwordHash !== undefined && { passwordHash: checkedHash(passwordHash) }), ...(disabled && { disabled: true }) };
  return [eventOf('AccountCreated', data, ctx)];
}

function decide(command: DirectoryCommand, state: DirectoryState, ctx: CommandContext): DirectoryEvent[] {
  switch (command.type) {
    case 'addDomain': {
      const domain = normalizeDomain(command.domain);
      if (state.domains.has(domain)) refuse('AlreadyExists', `domain ${domain} is already a local domain`);
      return [eventOf('DomainAdded', { domain }, ctx)];
    }
    case 'createAccount':
      return createAccount(command, state, ctx);
    case 'changePassword': {
      const found = user(state, command.accountId);
      if (command.replaces !== undefined && found.passwordHash !== command.replaces) return [];
      const { accountId, reason } = command;
      return [eventOf('PasswordChanged', { accountId, passwordHash: checkedHash(command.passwordHash), reason }, ctx)];
    }
    case 'disableUser':
    case 'enableUser': {
      const found = user(state, command.accountId);
      if (found.enabled === (command.type === 'enableUser')) return [];
      return [eventOf(command.type === 'enableUser' ? 'UserEnabled' : 'UserDisabled', { accountId: found.accountId }, ctx)];
    }
    case 'deleteUser': {
      const found = user(state, command.accountId);
      const { accountId, address } = found;
      return [
        ...leaveGroups(state, [address, ...found.aliases], ctx),
        ...[...found.aliases].map((alias) => eventOf('AliasRemoved', { address: alias, accountId }, ctx)),
        eventOf('UserDeleted', { accountId, address }, ctx),
      ];
    }
    case 'addAlias': {
      const address = normalizeAddress(command.address);
      free(state, address);
      user(state, command.accountId);
      return [eventOf('AliasAdded', { address, accountId: command.accountId }, ctx)];
    }
    case 'removeAlias': {
      const address = normalizeAddress(command.address);
      const owner = state.owners.get(address);
      if (owner?.kind !== 'alias') refuse('NotFound', `${address} is not an alias`);
      return [...leaveGroups(state, [address], ctx), eventOf('AliasRemoved', { address, accountId: owner.accountId }, ctx)];
    }
    case 'createGroup': {
      const address = normalizeAddress(command.address);
      free(state, address);
      const name = checkedProfile({ displayName: command.name }, address).displayName ?? splitAddress(address).local;
      return [eventOf('GroupCreated', { address, name }, ctx)];
    }
    case 'deleteGroup': {
      const address = normalizeAddress(command.address);
      if (!state.groups.has(address)) refuse('NotFound', `no group ${address}`);
      return [...leaveGroups(state, [address], ctx), eventOf('GroupDeleted', { address }, ctx)];
    }
    case 'addGroupMember':
    case 'removeGroupMember': {
      const group = normalizeAddress(command.group);
      const member = normalizeAddress(command.member);
      const found = state.groups.get(group);
      if (!found) refuse('NotFound', `no group ${group}`);
      if (command.type === 'removeGroupMember') {
        if (!found.members.has(member)) refuse('NotFound', `${member} is not a member of ${group}`);
        return [eventOf('GroupMemberRemoved', { group, member }, ctx)];
      }
      if (member === group) refuse('InvalidArgument', `a group cannot be a member of itself`);
      if (!state.owners.has(member)) refuse('NotFound', `no user, alias or group has the address ${member}`);
      if (found.members.has(member)) refuse('AlreadyExists', `${member} is already a member of ${group}`);
      return [eventOf('GroupMemberAdded', { group, member }, ctx)];
    }
  }
}

export const directoryDecider: Decider<DirectoryCommand, DirectoryState, DirectoryEvent> = {
  initialState: initialDirectoryState,
  evolve: evolveDirectory,
  decide,
};
