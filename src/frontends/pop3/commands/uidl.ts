// UIDL [msg]: the unique-id of one message or of every message not deleted. The ids come
// from src/domain/mailbox/uidl.ts, fixed when the maildrop was opened.
import { command, optionalMessage } from '../command.ts';
import { sendListing } from './listing.ts';

export const UIDL = command({
  states: ['transaction'],
  parse: optionalMessage,
  run(ctx, state, number) {
    sendListing(ctx, state.maildrop, number, () => 'Unique-ID listing follows', (m) => m.uidl);
    return state;
  },
});
