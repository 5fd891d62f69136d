// The merge rules for one mailbox, as pure functions of two stores' histories of it
// (ARCHITECTURE.md, "Merge"). `mergedMailbox` decides the result and does not depend on which
// store is "ours"; `decideMailboxMerge` says what to append on ours to reach it.
import { eventOf, withFields, type CommandContext } from '../event.ts';
import type { FlagsChanged, MailboxEvent, MessageAppended, MessagesExpunged } from '../mailbox/events.ts';
import { compare, compareMessages, laterRecord, sameMessage, type FlagRecord, type MailboxSide, type Placement } from './placements.ts';

export type MergedMessage = Readonly<{ uid: number; placement: Placement; flags: string[]; renumbered: boolean }>;

export type MailboxMergeCounts = {
  /** messages only the other store had, now placed here */
  added: number;
  /** messages both stores had placed separately (the same SMTP transaction, the same move), kept once */
  duplicates: number;
  /** messages given a new UID because the stores gave their UID to different messages */
  renumbered: number;
  /** messages here whose flags changed */
  flagChanges: number;
  /** messages here expunged because the other store expunged them */
  expunged: number;
};

/** Every message of the merged mailbox by UID. Symmetric: mergedMailbox(a, b) equals mergedMailbox(b, a). */
export function mergedMailbox(a: MailboxSide, b: MailboxSide): Map<number, MergedMessage> {
  const sides = [a, b];
  // Deleted mail never comes back: a key a store once had and has no more is gone.
  const deleted = (key: string) => sides.some((s) => s.holders.get(key) === 0);
  const candidates = new Map<string, Placement[]>();
  for (const side of sides) {
    for (const placement of side.current.values()) {
      if (deleted(placement.key)) continue;
      const list = candidates.get(placement.key);
      if (list) list.push(placement);
      else candidates.set(placement.key, [placement]);
    }
  }
  // A UID stays with a message only if each store either holds that very message there or
  // never got that far; a UID a store gave to something else, or expunged, is spent.
  const claimable = (p: Placement) =>
    sides.every((s) => sameMessage(s.current.get(p.uid), p) || p.uid >= s.uidNext);

  const result = new Map<number, MergedMessage>();
  const homeless: Placement[] = [];
  for (const [key, list] of candidates) {
    list.sort((x, y) => x.uid - y.uid || compare(x.placedBy, y.placedBy) || compareMessages(x, y));
    const kept = list.find(claimable);
    const flags = mergedFlags(a, b, key);
    if (kept) result.set(kept.uid, { uid: kept.uid, placement: kept, flags, renumbered: false });
    else homeless.push([...list].sort((x, y) => compare(x.placedBy, y.placedBy) || compareMessages(x, y))[0]!);
  }
  // Each conflicting message gets a new UID above both stores' UIDNEXT, in arrival order.
  homeless.sort(
    (x, y) => compare(x.message.internalDate, y.message.internalDate) || compare(x.message.emailId, y.message.emailId) || compare(x.key, y.key),
  );
  let uid = Math.max(a.uidNext, b.uidNext);
  for (const placement of homeless) {
    result.set(uid, { uid, placement, flags: mergedFlags(a, b, placement.key), renumbered: true });
    uid++;
  }
  return result;
}

/** For each flag, the latest change on either store wins (time, then origin). */
function mergedFlags(a: MailboxSide, b: MailboxSide, key: string): string[] {
  const latest = new Map<string, FlagRecord>(a.flags.get(key));
  for (const [flag, record] of b.flags.get(key) ?? []) {
    const known = latest.get(flag);
    if (!known || laterRecord(record, known)) latest.set(flag, record);
  }
  return [...latest.values()].filter((r) => r.present).map((r) => r.flag).sort();
}

export type MailboxMergeDecision = { events: MailboxEvent[]; counts: MailboxMergeCounts };

/**
 * The events that take `ours` to the merged mailbox; none when it is there already.
 * With `scope`, the keys either store placed, flagged or expunged since their shared history
 * (SideBuilder.fork), only those messages are weighed: any other sits on both stores at the UID,
 * with the flags, that history gave it, and the rules keep it there as it is.
 */
export function decideMailboxMerge(all: MailboxSide, other: MailboxSide, ctx: CommandContext, scope?: ReadonlySet<string>): MailboxMergeDecision {
  const [ours, theirs] = scope ? [within(all, scope), within(other, scope)] : [all, other];
  const target = mergedMailbox(ours, theirs);
  const mailboxId = ours.mailboxId;
  const counts: MailboxMergeCounts = { added: 0, duplicates: 0, renumbered: 0, flagChanges: 0, expunged: 0 };
  const aliveKeys = new Set<string>();
  for (const m of target.values()) {
    aliveKeys.add(m.placement.key);
    if (m.renumbered) counts.renumbered++;
  }
  const oursByKey = new Map<string, Placement>();
  for (const placement of ours.current.values()) oursByKey.set(placement.key, placement);
  for (const p of theirs.current.values()) {
    const mine = oursByKey.get(p.key);
    if (mine && mine.placedBy !== p.placedBy && aliveKeys.has(p.key)) counts.duplicates++;
  }

  const gone: number[] = [];
  const moving: number[] = [];
  for (const [uid, placement] of ours.current) {
    if (sameMessage(target.get(uid)?.placement, placement)) continue;
    if (aliveKeys.has(placement.key)) moving.push(uid);
    else gone.push(uid);
  }
  counts.expunged = gone.length;

  const events: MailboxEvent[] = [];
  let modseq = ours.highestModseq;
  const expunge = (uids: number[], reason: string) => {
    if (!uids.length) return;
    uids.sort((x, y) => x - y);
    events.push(eventOf('MessagesExpunged', { mailboxId, modseq: ++modseq, uids, reason }, ctx) satisfies MessagesExpunged);
  };
  expunge(gone, 'merge');
  expunge(moving, 'merge-renumbered');

  const changes: { uid: number; added: string[]; removed: string[] }[] = [];
  for (const [uid, message] of target) {
    const placement = ours.current.get(uid);
    if (!sameMessage(placement, message.placement)) continue;
    const now = ours.flagsNow.get(uid) ?? [];
    const has = new Set(now.map((f) => f.toLowerCase()));
    const wanted = new Set(message.flags.map((f) => f.toLowerCase()));
    const added = message.flags.filter((f) => !has.has(f.toLowerCase()));
    const removed = now.filter((f) => !wanted.has(f.toLowerCase()));
    if (added.length || removed.length) changes.push({ uid, added, removed });
  }
  counts.flagChanges = changes.length;
  if (changes.length) {
    changes.sort((x, y) => x.uid - y.uid);
    events.push(eventOf('FlagsChanged', { mailboxId, modseq: ++modseq, changes }, ctx) satisfies FlagsChanged);
  }

  const arriving = [...target.values()].filter((m) => !sameMessage(ours.current.get(m.uid), m.placement)).sort((x, y) => x.uid - y.uid);
  for (const m of arriving) {
    const from = oursByKey.get(m.placement.key)?.uid;
    if (from === undefined) counts.added++;
    const merged = { key: m.placement.key, placedBy: m.placement.placedBy, ...(from !== undefined && { renumberedFrom: from }) };
    const data = withFields(m.placement.message, { mailboxId, flags: m.flags, uid: m.uid, modseq: ++modseq, merged });
    events.push(eventOf('MessageAppended', data, ctx) satisfies MessageAppended);
  }
  return { events, counts };
}

/** The side with only the messages whose key is in `scope` (the rules read no other UID's holder). */
function within(side: MailboxSide, scope: ReadonlySet<string>): MailboxSide {
  const current = new Map<number, Placement>();
  const flagsNow = new Map<number, string[]>();
  for (const [uid, placement] of side.current) {
    if (!scope.has(placement.key)) continue;
    current.set(uid, placement);
    flagsNow.set(uid, side.flagsNow.get(uid)!);
  }
  return { ...side, current, flagsNow };
}
