// The directory view: who holds an address, each user with every address and whether it may log
// in, groups with their members, the local domains. Authentication, recipient resolution and the
// LDAP address book read it.
import type { Database } from 'lmdb';
import type { DirectoryEvent, UserProfile } from '../domain/directory/events.ts';
import { DIRECTORY_STREAM } from '../domain/directory/events.ts';
import { defaultUid, type Owner } from '../domain/directory/state.ts';
import { lmdbKeyValue } from './lmdb-kv.ts';
import type { KeyValue, Projection } from './projection.ts';

export type { Owner } from '../domain/directory/state.ts';

export type DirectoryUser = UserProfile & {
  accountId: string;
  address: string;
  uid: string;
  passwordHash?: string;
  enabled: boolean;
  /** alias addresses, sorted */
  aliases: string[];
};

export type DirectoryGroup = { address: string; name: string; members: string[] };

// Keys: ['domain', domain] -> 1; ['user', accountId] -> DirectoryUser; ['owner', address] -> Owner;
// ['login', uid] -> accountId; ['group', address] -> DirectoryGroup.

function changeUser(kv: KeyValue, accountId: string, change: (user: DirectoryUser) => void): void {
  const user = kv.get<DirectoryUser>(['user', accountId]);
  if (!user) return;
  change(user);
  kv.put(['user', accountId], user);
}

function changeGroup(kv: KeyValue, address: string, change: (group: DirectoryGroup) => void): void {
  const group = kv.get<DirectoryGroup>(['group', address]);
  if (!group) return;
  change(group);
  kv.put(['group', address], group);
}

function evolve(kv: KeyValue, event: DirectoryEvent): void {
  switch (event.type) {
    case 'DomainAdded':
      kv.put(['domain', event.data.domain], 1);
      break;
    case 'AccountCreated': {
      const { accountId, address, disabled, ...rest } = event.data;
      const uid = rest.uid ?? defaultUid((u) => kv.get(['login', u]) !== undefined, address);
      kv.put(['user', accountId], { ...rest, accountId, address, uid, enabled: !disabled, aliases: [] } satisfies DirectoryUser);
      kv.put(['owner', address], { kind: 'user', accountId } satisfies Owner);
      kv.put(['login', uid], accountId);
      break;
    }
    case 'PasswordChanged':
      changeUser(kv, event.data.accountId, (u) => void (u.passwordHash = event.data.passwordHash));
      break;
    case 'UserDisabled':
    case 'UserEnabled':
      changeUser(kv, event.data.accountId, (u) => void (u.enabled = event.type === 'UserEnabled'));
      break;
    case 'UserDeleted': {
      const user = kv.get<DirectoryUser>(['user', event.data.accountId]);
      if (!user) break;
      kv.remove(['user', user.accountId]);
      kv.remove(['login', user.uid]);
      for (const address of [user.address, ...user.aliases]) kv.remove(['owner', address]);
      break;
    }
    case 'AliasAdded':
      kv.put(['owner', event.data.address], { kind: 'alias', accountId: event.data.accountId } satisfies Owner);
      changeUser(kv, event.data.accountId, (u) => void (u.aliases = [...u.aliases, event.data.address].sort()));
      break;
    case 'AliasRemoved':
      kv.remove(['owner', event.data.address]);
      changeUser(kv, event.data.accountId, (u) => void (u.aliases = u.aliases.filter((a) => a !== event.data.address)));
      break;
    case 'GroupCreated':
      kv.put(['owner', event.data.address], { kind: 'group' } satisfies Owner);
      kv.put(['group', event.data.address], { address: event.data.address, name: event.data.name, members: [] } satisfies DirectoryGroup);
      break;
    case 'GroupDeleted':
      kv.remove(['owner', event.data.address]);
      kv.remove(['group', event.data.address]);
      break;
    case 'GroupMemberAdded':
      changeGroup(kv, event.data.group, (g) => void (g.members = [...g.members, event.data.member].sort()));
      break;
    case 'GroupMemberRemoved':
      changeGroup(kv, event.data.group, (g) => void (g.members = g.members.filter((m) => m !== event.data.member)));
      break;
  }
}

export const directoryProjection: Projection = {
  name: 'directory',
  version: 1,
  evolve(kv, recorded) {
    if (recorded.stream === DIRECTORY_STREAM) evolve(kv, recorded.event as DirectoryEvent);
  },
};

export class DirectoryView {
  private readonly kv: KeyValue;
  constructor(db: Database) {
    this.kv = lmdbKeyValue(db);
  }

  domains(): string[] {
    return [...this.kv.children<number>(['domain'])].map(({ key }) => String(key[1]));
  }

  hasDomain(domain: string): boolean {
    return this.kv.get(['domain', domain.toLowerCase()]) !== undefined;
  }

  ownerOf(address: string): Owner | undefined {
    return this.kv.get<Owner>(['owner', address.toLowerCase()]);
  }

  user(accountId: string): DirectoryUser | undefined {
    return this.kv.get<DirectoryUser>(['user', accountId]);
  }

  /** The user who logs in with this name: a primary address or a login name (uid). */
  userByLogin(name: string): DirectoryUser | undefined {
    const key = name.trim().toLowerCase();
    const owner = key.includes('@') ? this.ownerOf(key) : undefined;
    if (owner?.kind === 'user') return this.user(owner.accountId);
    const accountId = this.kv.get<string>(['login', key]);
    return accountId === undefined ? undefined : this.user(accountId);
  }

  /** The user whose primary address this is. */
  userByAddress(address: string): DirectoryUser | undefined {
    const owner = this.ownerOf(address);
    return owner?.kind === 'user' ? this.user(owner.accountId) : undefined;
  }

  users(): DirectoryUser[] {
    return [...this.kv.children<DirectoryUser>(['user'])].map(({ value }) => value);
  }

  /** The primary address first, then the aliases. */
  addressesOf(accountId: string): string[] {
    const user = this.user(accountId);
    return user ? [user.address, ...user.aliases] : [];
  }

  aliases(): { address: string; accountId: string }[] {
    return [...this.kv.children<Owner>(['owner'])].flatMap(({ key, value }) =>
      value.kind === 'alias' ? [{ address: String(key[1]), accountId: value.accountId }] : [],
    );
  }

  group(address: string): DirectoryGroup | undefined {
    return this.kv.get<DirectoryGroup>(['group', address.toLowerCase()]);
  }

  groups(): DirectoryGroup[] {
    return [...this.kv.children<DirectoryGroup>(['group'])].map(({ value }) => value);
  }

  /** The accounts mail to this group reaches: nested groups and aliases followed, each account once. */
  groupAccounts(address: string): string[] {
    const accounts = new Set<string>();
    const seen = new Set<string>();
    const visit = (addr: string) => {
      if (seen.has(addr)) return;
      seen.add(addr);
      const owner = this.ownerOf(addr);
      if (!owner) return;
      if (owner.kind === 'group') for (const m of this.group(addr)?.members ?? []) visit(m);
      else accounts.add(owner.accountId);
    };
    visit(address.toLowerCase());
    return [...accounts];
  }
}
