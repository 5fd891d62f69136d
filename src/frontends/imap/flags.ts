// Flags on the wire: the FLAGS list, PERMANENTFLAGS, and reading a client's flag list.
import { bad, type Args } from './protocol/args.ts';

export const SYSTEM_FLAGS = ['\\Answered', '\\Flagged', '\\Deleted', '\\Seen', '\\Draft'] as const;

export function formatFlags(flags: readonly string[]): string {
  return `(${flags.join(' ')})`;
}

/** flag-list items: system flags and keywords, as atoms; \Recent is the server's to set. */
export function readFlags(list: Args): string[] {
  const flags: string[] = [];
  while (list.remaining > 0) {
    const flag = list.atom('a flag');
    if (flag.toLowerCase() === '\\recent') bad('\\Recent cannot be set by a client');
    flags.push(flag);
  }
  return flags;
}
