// Events of the directory stream: the site's accounts and their addresses.
// (Users, aliases, groups and credentials extend this in the directory's own issue.)
import type { DomainEvent } from '../event.ts';

export type AccountCreated = DomainEvent<'AccountCreated', { accountId: string; address: string }>;

export type DirectoryEvent = AccountCreated;

export const DIRECTORY_EVENT_TYPES: readonly DirectoryEvent['type'][] = ['AccountCreated'];

export const DIRECTORY_STREAM = 'directory';
