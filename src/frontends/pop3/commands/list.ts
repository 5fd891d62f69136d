// LIST [msg]: scan listings (number and size) of one message or every message not deleted.
import { command, optionalMessage } from '../command.ts';
import { sendListing } from './listing.ts';

export const LIST = command({
  states: ['transaction'],
  parse: optionalMessage,
  run(ctx, state, number) {
    const { maildrop } = state;
    const title = () => {
      const { count, size } = maildrop.stat();
      return `${count} messages (${size} octets)`;
    };
    sendListing(ctx, maildrop, number, title, (m) => m.size);
    return state;
  },
});
