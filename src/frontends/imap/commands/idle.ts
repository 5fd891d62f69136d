// IDLE (RFC 2177): changes to the selected mailbox are told as they become visible, until the
// client says DONE.
import { command, none } from '../command.ts';
import { bad } from '../protocol/args.ts';
import { AUTHENTICATED } from '../session.ts';

export const idle = command({
  states: AUTHENTICATED,
  parse: none,
  async run(ctx) {
    await ctx.continuation('idling');
    const done = ctx.readLine();
    for (;;) {
      await ctx.sync(true);
      await ctx.flush();
      let finished = false;
      await ctx.changed(done.then(() => (finished = true)));
      if (finished) break;
    }
    const line = await done;
    if (line !== null && line.trim().toUpperCase() !== 'DONE') bad('Expected DONE');
    return {};
  },
});
