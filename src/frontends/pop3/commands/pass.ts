// PASS string: the password for the name given by USER (the rest of the line, spaces and all).
import { command } from '../command.ts';
import { Pop3Error } from '../errors.ts';
import { login } from './login.ts';

export const PASS = command({
  states: ['authorization'],
  parse: (args) => args,
  run(ctx, state, password) {
    if (state.user === undefined) throw new Pop3Error('WrongState', 'Send USER first');
    return login(ctx, { mechanism: 'USER', username: state.user, password });
  },
});
