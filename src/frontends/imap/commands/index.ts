// The command table: every IMAP command by name, UID forms pointing at their own module's variant.
import type { ImapCommand } from '../command.ts';
import { append } from './append.ts';
import { authenticate } from './authenticate.ts';
import { capability } from './capability.ts';
import { close, unselect } from './close.ts';
import { copy, move, uidCopy, uidMove } from './copy.ts';
import { expunge, uidExpunge } from './expunge.ts';
import { fetch, uidFetch } from './fetch.ts';
import { idle } from './idle.ts';
import { list, lsub } from './list.ts';
import { login } from './login.ts';
import { logout } from './logout.ts';
import { check, noop } from './noop.ts';
import { search, uidSearch } from './search.ts';
import { examine, select } from './select.ts';
import { enable, id, namespace } from './session-info.ts';
import { starttls } from './starttls.ts';
import { status } from './status.ts';
import { store, uidStore } from './store.ts';
import { create, deleteMailbox, rename, subscribe, unsubscribe } from './tree.ts';

export const COMMANDS: ReadonlyMap<string, ImapCommand> = new Map([
  ['CAPABILITY', capability],
  ['NOOP', noop],
  ['LOGOUT', logout],
  ['STARTTLS', starttls],
  ['AUTHENTICATE', authenticate],
  ['LOGIN', login],
  ['SELECT', select],
  ['EXAMINE', examine],
  ['CREATE', create],
  ['DELETE', deleteMailbox],
  ['RENAME', rename],
  ['SUBSCRIBE', subscribe],
  ['UNSUBSCRIBE', unsubscribe],
  ['LIST', list],
  ['LSUB', lsub],
  ['STATUS', status],
  ['APPEND', append],
  ['CHECK', check],
  ['CLOSE', close],
  ['UNSELECT', unselect],
  ['EXPUNGE', expunge],
  ['SEARCH', search],
  ['FETCH', fetch],
  ['STORE', store],
  ['COPY', copy],
  ['MOVE', move],
  ['UID FETCH', uidFetch],
  ['UID STORE', uidStore],
  ['UID COPY', uidCopy],
  ['UID MOVE', uidMove],
  ['UID SEARCH', uidSearch],
  ['UID EXPUNGE', uidExpunge],
  ['IDLE', idle],
  ['NAMESPACE', namespace],
  ['ENABLE', enable],
  ['ID', id],
]);
