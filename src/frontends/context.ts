// Where commands get their time and ids: the one place that reads the clock for the domain.
import { newId } from './ids.ts';
import type { Actor, CommandContext } from '../domain/event.ts';

export function commandContext(actor: Actor, origin: string): CommandContext {
  return { now: new Date().toISOString(), actor, origin, newId };
}
