// Flags and keywords: system flags keep their canonical case, keywords are atoms.
import { refuse } from '../decider.ts';

const SYSTEM_FLAGS = ['\\Seen', '\\Answered', '\\Flagged', '\\Deleted', '\\Draft'] as const;
const BY_LOWER = new Map(SYSTEM_FLAGS.map((f) => [f.toLowerCase(), f]));
// atom-specials of RFC 3501 plus "]" (resp-specials) are not allowed in a keyword
const KEYWORD = /^[^(){ %*"\\\]\u0000-\u001f\u007f]+$/;

/** Canonical spelling; refuses \Recent (server-only) and malformed keywords. */
export function normalizeFlag(flag: string): string {
  if (flag.startsWith('\\')) {
    const known = BY_LOWER.get(flag.toLowerCase());
    if (!known) refuse('InvalidArgument', `unknown system flag ${flag}`);
    return known;
  }
  if (!KEYWORD.test(flag) || flag.length > 128) refuse('InvalidArgument', `invalid keyword "${flag}"`);
  return flag;
}

/** Normalized, de-duplicated (keywords compare case-insensitively, first spelling kept). */
export function normalizeFlags(flags: readonly string[]): string[] {
  const seen = new Map<string, string>();
  for (const f of flags) {
    const n = normalizeFlag(f);
    if (!seen.has(n.toLowerCase())) seen.set(n.toLowerCase(), n);
  }
  return [...seen.values()];
}

export function hasFlag(flags: readonly string[], flag: string): boolean {
  const l = flag.toLowerCase();
  // Flags are ASCII atoms, so case never changes a flag's length: most are told apart without
  // lowercasing (this runs for every message of a folder in SEARCH and EXPUNGE).
  return flags.some((f) => f === flag || (f.length === flag.length && f.toLowerCase() === l));
}
