// Mailbox names as users see them: Unicode, "/" between levels, INBOX case-insensitive.
import { refuse } from '../decider.ts';

export const DELIMITER = '/';
export const INBOX = 'INBOX';
const MAX_NAME_LENGTH = 1024;
const MAX_DEPTH = 32;

/**
 * Canonical form of a mailbox name: NFC, INBOX (at the top level) upper-cased.
 * Refuses names a client could not address: empty levels, control characters, too long, too deep.
 */
export function normalizeMailboxName(name: string): string {
  if (typeof name !== 'string' || name.length === 0) refuse('InvalidName', 'mailbox name is empty');
  let n = name.normalize('NFC');
  if (n.endsWith(DELIMITER)) n = n.slice(0, -1);
  if (n.length > MAX_NAME_LENGTH) refuse('InvalidName', `mailbox name longer than ${MAX_NAME_LENGTH} characters`);
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(n)) refuse('InvalidName', 'mailbox name contains a control character');
  if (/[*%]/.test(n)) refuse('InvalidName', 'mailbox name contains a wildcard (* or %)');
  const levels = n.split(DELIMITER);
  if (levels.some((l) => l.length === 0)) refuse('InvalidName', `mailbox name "${name}" has an empty level`);
  if (levels.length > MAX_DEPTH) refuse('InvalidName', `mailbox name nested deeper than ${MAX_DEPTH} levels`);
  if (levels[0]!.toUpperCase() === INBOX) levels[0] = INBOX;
  return levels.join(DELIMITER);
}

export function parentNames(name: string): string[] {
  const levels = name.split(DELIMITER);
  const parents: string[] = [];
  for (let i = 1; i < levels.length; i++) parents.push(levels.slice(0, i).join(DELIMITER));
  return parents;
}

export function isInside(name: string, ancestor: string): boolean {
  return name.startsWith(ancestor + DELIMITER);
}
