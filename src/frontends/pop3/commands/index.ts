// Every POP3 command by keyword. APOP is absent on purpose (see capa.ts).
import type { Pop3Command } from '../command.ts';
import { AUTH } from './auth.ts';
import { CAPA } from './capa.ts';
import { DELE } from './dele.ts';
import { LIST } from './list.ts';
import { NOOP } from './noop.ts';
import { PASS } from './pass.ts';
import { QUIT } from './quit.ts';
import { RETR } from './retr.ts';
import { RSET } from './rset.ts';
import { STAT } from './stat.ts';
import { STLS } from './stls.ts';
import { TOP } from './top.ts';
import { UIDL } from './uidl.ts';
import { USER } from './user.ts';

export const COMMANDS: ReadonlyMap<string, Pop3Command> = new Map([
  ['CAPA', CAPA],
  ['STLS', STLS],
  ['USER', USER],
  ['PASS', PASS],
  ['AUTH', AUTH],
  ['STAT', STAT],
  ['LIST', LIST],
  ['UIDL', UIDL],
  ['RETR', RETR],
  ['TOP', TOP],
  ['DELE', DELE],
  ['RSET', RSET],
  ['NOOP', NOOP],
  ['QUIT', QUIT],
]);
