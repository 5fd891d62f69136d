// The directory as its decider sees it: who owns every address, login names, groups. Folded
// from the directory stream; the read side has its own projection (projections/directory-view).
import { splitAddress } from './address.ts';
import type { DirectoryEvent, UserProfile } from './events.ts';

export type UserRecord = UserProfile & {
  accountId: string;
  address: string;
  uid: string;
  passwordHash?: string;
  enabled: boolean;
  aliases: Set<string>;
};

/** Who holds an address: every address is held by one user, alias or group at most. */
export type Owner = Readonly<{ kind: 'user'; accountId: string } | { kind: 'alias'; accountId: string } | { kind: 'group' }>;

export type GroupRecord = { address: string; name: string; members: Set<string> };

export type DirectoryState = {
  domains: Set<string>;
  users: Map<string, UserRecord>;
  owners: Map<string, Owner>;
  /** login name (uid) -> accountId */
  logins: Map<string, string>;
  groups: Map<string, GroupRecord>;
};

export function initialDirectoryState(): DirectoryState {
  return { domains: new Set(), users: new Map(), owners: new Map(), logins: new Map(), groups: new Map() };
}

/** The login name an account gets when none is given: its local part, or the whole address when taken. */
export function defaultUid(taken: (uid: string) => boolean, address: string): string {
  const { local } = splitAddress(address);
  return taken(local) ? address : local;
}

export function evolveDirectory(state: DirectoryState, event: DirectoryEvent): DirectoryState {
  switch (event.type) {
    case 'DomainAdded':
      state.domains.add(event.data.domain);
      break;
    case 'AccountCreated': {
      const { accountId, address, passwordHash, disabled, ...profile } = event.data;
      const uid = profile.uid ?? defaultUid((uid) => state.logins.has(uid), address);
      state.users.set(accountId, { ...profile, accountId, address, uid, passwordHash, enabled: !disabled, aliases: new Set() });
      state.owners.set(address, { kind: 'user', accountId });
      state.logins.set(uid, accountId);
      break;
    }
    case 'PasswordChanged': {
      const user = state.users.get(event.data.accountId);
      if (user) user.passwordHash = event.data.passwordHash;
      break;
    }
    case 'UserDisabled':
    case 'UserEnabled': {
      const user = state.users.get(event.data.accountId);
      if (user) user.enabled = event.type === 'UserEnabled';
      break;
    }
    case 'UserDeleted': {
      const user = state.users.get(event.data.accountId);
      if (!user) break;
      state.users.delete(user.accountId);
      state.owners.delete(user.address);
      state.logins.delete(user.uid);
      for (const alias of user.aliases) state.owners.delete(alias);
      break;
    }
    case 'AliasAdded':
      state.owners.set(event.data.address, { kind: 'alias', accountId: event.data.accountId });
      state.users.get(event.data.accountId)?.aliases.add(event.data.address);
      break;
    case 'AliasRemoved':
      state.owners.delete(event.data.address);
      state.users.get(event.data.accountId)?.aliases.delete(event.data.address);
      break;
    case 'GroupCreated':
      state.owners.set(event.data.address, { kind: 'group' });
      state.groups.set(event.data.address, { address: event.data.address, name: event.data.name, members: new Set() });
      break;
    case 'GroupDeleted':
      state.owners.delete(event.data.address);
      state.groups.delete(event.data.address);
      break;
    case 'GroupMemberAdded':
      state.groups.get(event.data.group)?.members.add(event.data.member);
      break;
    case 'GroupMemberRemoved':
      state.groups.get(event.data.group)?.members.delete(event.data.member);
      break;
  }
  return state;
}

/** Groups that list any of these addresses as a member, as (group, member) pairs. */
export function membershipsOf(state: DirectoryState, addresses: Iterable<string>): { group: string; member: string }[] {
  const wanted = new Set(addresses);
  const found: { group: string; member: string }[] = [];
  for (const group of state.groups.values()) {
    for (const member of group.members) if (wanted.has(member)) found.push({ group: group.address, member });
  }
  return found;
}
