// Events of the directory stream: the site's domains, users (accounts), aliases, groups and
// credentials. Passwords appear only as hashes (scrypt, or an imported legacy scheme).
import type { DomainEvent } from '../event.ts';

/** What an admin may say about a person; every field optional, absent when not given. */
export type UserProfile = {
  /** login name (LDAP uid); decided at creation when not given */
  uid?: string;
  displayName?: string;
  givenName?: string;
  surname?: string;
  phone?: string;
  /** bytes; absent means no quota */
  quota?: number;
};

/** "User added": the account, its primary address and, from schema 1 on, optional profile fields. */
export type AccountCreated = DomainEvent<
  'AccountCreated',
  { accountId: string; address: string; passwordHash?: string; disabled?: boolean } & UserProfile
>;
export type DomainAdded = DomainEvent<'DomainAdded', { domain: string }>;
/** `rehash`: the authenticator upgraded an old scheme on a successful login (actor: system). */
export type PasswordChanged = DomainEvent<'PasswordChanged', { accountId: string; passwordHash: string; reason: 'set' | 'rehash' }>;
export type UserDisabled = DomainEvent<'UserDisabled', { accountId: string }>;
export type UserEnabled = DomainEvent<'UserEnabled', { accountId: string }>;
/** The account's addresses are free again; its mailboxes stay in the log. */
export type UserDeleted = DomainEvent<'UserDeleted', { accountId: string; address: string }>;
export type AliasAdded = DomainEvent<'AliasAdded', { address: string; accountId: string }>;
export type AliasRemoved = DomainEvent<'AliasRemoved', { address: string; accountId: string }>;
export type GroupCreated = DomainEvent<'GroupCreated', { address: string; name: string }>;
export type GroupDeleted = DomainEvent<'GroupDeleted', { address: string }>;
/** `member` is an address the directory owns: a user's, an alias or another group. */
export type GroupMemberAdded = DomainEvent<'GroupMemberAdded', { group: string; member: string }>;
export type GroupMemberRemoved = DomainEvent<'GroupMemberRemoved', { group: string; member: string }>;

export type DirectoryEvent =
  | AccountCreated
  | DomainAdded
  | PasswordChanged
  | UserDisabled
  | UserEnabled
  | UserDeleted
  | AliasAdded
  | AliasRemoved
  | GroupCreated
  | GroupDeleted
  | GroupMemberAdded
  | GroupMemberRemoved;

export const DIRECTORY_EVENT_TYPES: readonly DirectoryEvent['type'][] = [
  'AccountCreated',
  'DomainAdded',
  'PasswordChanged',
  'UserDisabled',
  'UserEnabled',
  'UserDeleted',
  'AliasAdded',
  'AliasRemoved',
  'GroupCreated',
  'GroupDeleted',
  'GroupMemberAdded',
  'GroupMemberRemoved',
];

export const DIRECTORY_STREAM = 'directory';
