// NOOP and CHECK (RFC 3501 6.1.2, 6.4.1): nothing to do but let pending updates through, which
// the connection does before every tagged OK. CHECK has nothing to flush: every write is durable.
import { command, none } from '../command.ts';
import { ANY_STATE } from '../session.ts';

export const noop = command({ states: ANY_STATE, parse: none, run: async () => ({}) });

export const check = command({ states: ['selected'], parse: none, run: async () => ({}) });
