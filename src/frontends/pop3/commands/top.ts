// TOP msg n: the header, the blank line after it, and the first n lines of the body.
import { command, messageNumber, words } from '../command.ts';
import { Pop3Error } from '../errors.ts';
import { ok } from '../responses.ts';

export const TOP = command({
  states: ['transaction'],
  parse(args) {
    const w = words(args);
    if (w.length !== 2 || !/^[0-9]{1,10}$/.test(w[1]!)) throw new Pop3Error('Syntax', 'Expected a message number and a line count');
    return { number: messageNumber(w[0]), lines: Number(w[1]) };
  },
  async run(ctx, state, { number, lines }) {
    const m = state.maildrop.get(number);
    await ctx.sendMessage(ok('Top of message follows'), m.blobId, lines);
    return state;
  },
});
