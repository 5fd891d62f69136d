// Where commands get their time and ids: the one place that reads the clock for the domain.
import { v7 as uuidv7 } from 'uuid';
import type { Actor, CommandContext } from '../domain/event.ts';

export function commandContext(actor: Actor, origin: string): CommandContext {
  return { now: new Date().toISOString(), actor, origin, newId: uuidv7 };
}
