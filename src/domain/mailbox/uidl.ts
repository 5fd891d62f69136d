// The POP3 unique-id of each message in a maildrop, derived from the message's own identity
// (its emailId, and the event that placed the copy) — never from a UID or UIDVALIDITY — so a
// rebuild, a renumbering, a merge or a move out and back never makes a client download again.
import { hash } from 'node:crypto';

/** What the rule reads of a message: the email it is a copy of, and the event that placed it. */
export type Placement = Readonly<{ emailId: string; placedBy: string }>;

/** RFC 1939: 1 to 70 characters in the range 0x21 to 0x7E. */
const PRINTABLE = /^[\x21-\x7e]{1,70}$/;
/** Room left for a suffix (".xxxxxxxx" up to ".xxxxxxxxxxxxxxxx.nn") on a bare id. */
const MAX_BASE = 48;

const hex = (text: string) => hash('sha256', text, 'hex');

/** The emailId itself when it is a valid unique-id short enough to take a suffix, else a hash of it. */
export function uidlBase(emailId: string): string {
  return PRINTABLE.test(emailId) && emailId.length <= MAX_BASE ? emailId : `h${hex(emailId).slice(0, 40)}`;
}

/**
 * The unique-id of each message, in the order given. Copies of one email are told apart by the
 * event that placed them: the earliest placement (lowest `placedBy`, a UUIDv7) keeps the bare id,
 * the others get a short hash of their `placedBy`. Each result is unique within `messages`,
 * printable and at most 70 characters.
 */
export function uidls(messages: readonly Placement[]): string[] {
  const byEmail = new Map<string, number[]>();
  messages.forEach((m, i) => {
    const group = byEmail.get(m.emailId);
    if (group) group.push(i);
    else byEmail.set(m.emailId, [i]);
  });
  const out = new Array<string>(messages.length);
  for (const [emailId, indexes] of byEmail) {
    const base = uidlBase(emailId);
    const ordered = [...indexes].sort((a, b) => compare(messages[a]!.placedBy, messages[b]!.placedBy));
    const [first, ...others] = ordered;
    out[first!] = base;
    const taken = new Set([base]);
    for (const i of others) {
      const digest = hex(messages[i]!.placedBy);
      // Two copies of one email whose 8-hex digests collide: lengthen, then number them.
      let id = `${base}.${digest.slice(0, 8)}`;
      if (taken.has(id)) id = `${base}.${digest.slice(0, 16)}`;
      for (let n = 2; taken.has(id); n++) id = `${base}.${digest.slice(0, 16)}.${n}`;
      taken.add(id);
      out[i] = id;
    }
  }
  return disambiguate(out, messages);
}

/** Placements compare as strings (UUIDv7 sort by time), then as given. */
function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * A suffixed id could only equal another email's bare id if that emailId itself looked like
 * "<id>.<hex>" (never a UUID): such a clash is broken by the placement order, deterministically.
 */
function disambiguate(ids: string[], messages: readonly Placement[]): string[] {
  const seen = new Map<string, number>();
  const order = ids.map((_, i) => i).sort((a, b) => compare(messages[a]!.placedBy, messages[b]!.placedBy));
  for (const i of order) {
    let id = ids[i]!;
    if (seen.has(id)) {
      const digest = hex(`${messages[i]!.emailId}\n${messages[i]!.placedBy}`);
      id = `h${digest.slice(0, 40)}`;
      ids[i] = id;
    }
    seen.set(id, i);
  }
  return ids;
}
