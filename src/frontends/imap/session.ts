// IMAP session state (RFC 3501 section 3) as a tagged union: a command that needs a selected
// mailbox gets one by type, not by checking a field that might be empty.
import type { SelectedMailbox } from './selected.ts';

export type User = Readonly<{ accountId: string; address: string }>;

export type SessionState =
  | Readonly<{ kind: 'notAuthenticated' }>
  | Readonly<{ kind: 'authenticated'; user: User }>
  | Readonly<{ kind: 'selected'; user: User; mailbox: SelectedMailbox }>
  | Readonly<{ kind: 'logout' }>;

export type StateName = SessionState['kind'];

export const ANY_STATE: readonly StateName[] = ['notAuthenticated', 'authenticated', 'selected'];
export const AUTHENTICATED: readonly ('authenticated' | 'selected')[] = ['authenticated', 'selected'];
