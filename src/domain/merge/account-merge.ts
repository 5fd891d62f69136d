// The merge rules for an account's folder tree, pure: a mailbox created on either store exists,
// one deleted on either store is gone, its name is the latest name either store gave it, and
// subscriptions follow the latest change on either store.
import { accountDecider, type AccountState, type MailboxEntry } from '../account/decider.ts';
import type { AccountEvent, MailboxCreated, MailboxDeleted, MailboxRenamed } from '../account/events.ts';
import { eventOf, type CommandContext } from '../event.ts';

type Stamp = Readonly<{ at: string; origin: string; eventId: string }>;
type Named = Stamp & { name: string };

export type AccountSide = {
  accountId: string;
  state: AccountState;
  created: Map<string, MailboxEntry>;
  /** mailboxId -> latest name given (at creation or rename) */
  names: Map<string, Named>;
  deleted: Set<string>;
  /** name -> latest subscribe / unsubscribe */
  subscriptions: Map<string, Stamp & { subscribed: boolean }>;
};

const later = (a: Stamp, b: Stamp) => (a.at !== b.at ? a.at > b.at : a.origin !== b.origin ? a.origin > b.origin : a.eventId > b.eventId);

function keepLatest<T extends Stamp>(map: Map<string, T>, key: string, value: T): void {
  const known = map.get(key);
  if (!known || later(value, known)) map.set(key, value);
}

export function accountSide(accountId: string, events: readonly AccountEvent[]): AccountSide {
  const side: AccountSide = { accountId, state: accountDecider.initialState(), created: new Map(), names: new Map(), deleted: new Set(), subscriptions: new Map() };
  for (const event of events) {
    const stamp = { at: event.meta.at, origin: event.meta.origin, eventId: event.meta.eventId };
    switch (event.type) {
      case 'MailboxCreated': {
        const { mailboxId, name, uidValidity, specialUse } = event.data;
        side.created.set(mailboxId, { mailboxId, name, uidValidity, specialUse });
        keepLatest(side.names, mailboxId, { ...stamp, name });
        break;
      }
      case 'MailboxRenamed':
        for (const r of event.data.renames) keepLatest(side.names, r.mailboxId, { ...stamp, name: r.to });
        break;
      case 'MailboxDeleted':
        side.deleted.add(event.data.mailboxId);
        break;
      case 'MailboxSubscribed':
      case 'MailboxUnsubscribed':
        keepLatest(side.subscriptions, event.data.name, { ...stamp, subscribed: event.type === 'MailboxSubscribed' });
        break;
    }
    side.state = accountDecider.evolve(side.state, event);
  }
  return side;
}

export type MergedTree = { mailboxes: Map<string, MailboxEntry>; subscriptions: Set<string>; nameConflicts: string[] };

/** The merged folder tree by mailboxId; symmetric in its two sides. */
export function mergedTree(a: AccountSide, b: AccountSide): MergedTree {
  const created = new Map([...a.created, ...b.created]);
  const alive = [...created.keys()].filter((id) => !a.deleted.has(id) && !b.deleted.has(id)).sort();
  const mailboxes = new Map<string, MailboxEntry>();
  const taken = new Set<string>();
  const nameConflicts: string[] = [];
  for (const id of alive) {
    const x = a.names.get(id);
    const y = b.names.get(id);
    let name = (!x ? y! : !y ? x : later(y, x) ? y : x).name;
    // Two mailboxes given one name on different stores: both stay, the second renamed.
    if (taken.has(name)) {
      const wanted = name;
      for (let n = 2; taken.has(name); n++) name = `${wanted} (merged ${n})`;
      nameConflicts.push(`"${wanted}" named two mailboxes; ${id} is now "${name}"`);
    }
    taken.add(name);
    mailboxes.set(id, { ...created.get(id)!, name });
  }
  const subscriptions = new Set<string>();
  for (const name of new Set([...a.subscriptions.keys(), ...b.subscriptions.keys()])) {
    const x = a.subscriptions.get(name);
    const y = b.subscriptions.get(name);
    if ((!x ? y! : !y ? x : later(y, x) ? y : x).subscribed) subscriptions.add(name);
  }
  return { mailboxes, subscriptions, nameConflicts };
}

export type AccountMergeDecision = {
  events: AccountEvent[];
  created: string[];
  renamed: { from: string; to: string }[];
  deleted: string[];
  nameConflicts: string[];
};

/** The events that take our folder tree to the merged one. */
export function decideAccountMerge(ours: AccountSide, theirs: AccountSide, ctx: CommandContext): AccountMergeDecision {
  const tree = mergedTree(ours, theirs);
  const accountId = ours.accountId;
  const events: AccountEvent[] = [];
  const current = new Map([...ours.state.mailboxes.values()].map((m) => [m.mailboxId, m]));
  const deleted = [...current.values()].filter((m) => !tree.mailboxes.has(m.mailboxId));
  for (const m of deleted) events.push(eventOf('MailboxDeleted', { accountId, mailboxId: m.mailboxId, name: m.name }, ctx) satisfies MailboxDeleted);
  const renames = [...current.values()]
    .filter((m) => tree.mailboxes.has(m.mailboxId) && tree.mailboxes.get(m.mailboxId)!.name !== m.name)
    .map((m) => ({ mailboxId: m.mailboxId, from: m.name, to: tree.mailboxes.get(m.mailboxId)!.name }));
  if (renames.length) events.push(eventOf('MailboxRenamed', { accountId, renames }, ctx) satisfies MailboxRenamed);
  const created = [...tree.mailboxes.values()].filter((m) => !current.has(m.mailboxId));
  for (const m of created) events.push(eventOf('MailboxCreated', { accountId, ...m }, ctx) satisfies MailboxCreated);
  for (const name of tree.subscriptions) if (!ours.state.subscriptions.has(name)) events.push(eventOf('MailboxSubscribed', { accountId, name }, ctx));
  for (const name of ours.state.subscriptions) if (!tree.subscriptions.has(name)) events.push(eventOf('MailboxUnsubscribed', { accountId, name }, ctx));
  return {
    events,
    created: created.map((m) => m.name),
    renamed: renames.map(({ from, to }) => ({ from, to })),
    deleted: deleted.map((m) => m.name),
    nameConflicts: tree.nameConflicts,
  };
}
