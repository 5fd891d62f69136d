// Every event type the log may hold. A projection meeting a type not listed here stops and
// names the position, instead of skipping an event it does not understand.
import { ACCOUNT_EVENT_TYPES } from './account/events.ts';
import { DIRECTORY_EVENT_TYPES } from './directory/events.ts';
import { MAILBOX_EVENT_TYPES } from './mailbox/events.ts';
import { LOGIN_EVENT_TYPES } from './login/events.ts';
import { MERGE_EVENT_TYPES } from './merge/events.ts';
import { OUTBOUND_EVENT_TYPES } from './outbound/events.ts';

/** Highest schema version of each type this code reads (upcasters bring older ones up). */
export const KNOWN_EVENT_TYPES: ReadonlyMap<string, number> = new Map(
  [...DIRECTORY_EVENT_TYPES, ...ACCOUNT_EVENT_TYPES, ...MAILBOX_EVENT_TYPES, ...OUTBOUND_EVENT_TYPES, ...MERGE_EVENT_TYPES, ...LOGIN_EVENT_TYPES].map((t) => [t, 1]),
);
