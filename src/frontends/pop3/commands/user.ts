// USER name: the first half of RFC 1939's USER/PASS; the name waits in the session for PASS.
import { command } from '../command.ts';
import { Pop3Error } from '../errors.ts';
import { ok } from '../responses.ts';
import { requireCleartextAllowed } from './login.ts';

export const USER = command({
  states: ['authorization'],
  parse(args) {
    const name = args.trim();
    if (!name) throw new Pop3Error('Syntax', 'Expected a user name');
    return name;
  },
  run(ctx, _state, user) {
    requireCleartextAllowed(ctx);
    ctx.send(ok('Send PASS'));
    return { kind: 'authorization', user };
  },
});
