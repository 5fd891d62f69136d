// Decides changes to an account's folder tree: names are unique, INBOX always exists,
// UIDVALIDITY is fixed at creation and never reused for a name.
import { type Decider, refuse } from '../decider.ts';
import { type CommandContext, eventOf } from '../event.ts';
import type { AccountEvent, SpecialUse } from './events.ts';
import { INBOX, isInside, normalizeMailboxName, parentNames } from './names.ts';

export const DEFAULT_MAILBOXES: readonly (readonly [string, SpecialUse | null])[] = [
  [INBOX, null],
  ['Sent', '\\Sent'],
  ['Drafts', '\\Drafts'],
  ['Trash', '\\Trash'],
  ['Junk', '\\Junk'],
  ['Archive', '\\Archive'],
];

export type AccountCommand =
  | { type: 'provision'; accountId: string }
  | { type: 'create'; accountId: string; name: string; specialUse?: SpecialUse | null }
  | { type: 'rename'; accountId: string; from: string; to: string }
  | { type: 'delete'; accountId: string; name: string }
  | { type: 'subscribe'; accountId: string; name: string }
  | { type: 'unsubscribe'; accountId: string; name: string };

export type MailboxEntry = { mailboxId: string; name: string; uidValidity: number; specialUse: SpecialUse | null };

export type AccountState = {
  /** by canonical name */
  mailboxes: Map<string, MailboxEntry>;
  subscriptions: Set<string>;
  /** highest UIDVALIDITY ever given in this account: a recreated name must get a larger one */
  lastUidValidity: number;
};

/** UIDVALIDITY from the decision time, strictly above any earlier one of the account, within 32 bits. */
function nextUidValidity(state: AccountState, ctx: CommandContext): number {
  const fromClock = Math.floor(Date.parse(ctx.now) / 1000) >>> 0;
  const candidate = Math.max(fromClock, state.lastUidValidity + 1);
  if (candidate > 0xffffffff) refuse('Conflict', 'UIDVALIDITY space exhausted for this account');
  return candidate;
}

function decide(command: AccountCommand, state: AccountState, ctx: CommandContext): AccountEvent[] {
  const { accountId } = command;
  const events: AccountEvent[] = [];
  const created = new Map(state.mailboxes);
  let lastUidValidity = state.lastUidValidity;
  const create = (name: string, specialUse: SpecialUse | null) => {
    const uidValidity = nextUidValidity({ ...state, lastUidValidity }, ctx);
    lastUidValidity = uidValidity;
    const entry = { mailboxId: ctx.newId(), name, uidValidity, specialUse };
    created.set(name, entry);
    events.push(eventOf('MailboxCreated', { accountId, ...entry }, ctx));
  };

  switch (command.type) {
    case 'provision': {
      for (const [name, use] of DEFAULT_MAILBOXES) if (!state.mailboxes.has(name)) create(name, use);
      for (const [name] of DEFAULT_MAILBOXES) {
        if (!state.subscriptions.has(name)) events.push(eventOf('MailboxSubscribed', { accountId, name }, ctx));
      }
      return events;
    }
    case 'create': {
      const name = normalizeMailboxName(command.name);
      if (state.mailboxes.has(name)) refuse('AlreadyExists', `mailbox "${name}" already exists`);
      if (command.specialUse && [...state.mailboxes.values()].some((m) => m.specialUse === command.specialUse)) {
        refuse('AlreadyExists', `a mailbox with special use ${command.specialUse} already exists`);
      }
      for (const parent of parentNames(name)) if (!created.has(parent)) create(parent, null);
      create(name, command.specialUse ?? null);
      return events;
    }
    case 'rename': {
      const from = normalizeMailboxName(command.from);
      const to = normalizeMailboxName(command.to);
      const source = state.mailboxes.get(from);
      if (!source) refuse('NotFound', `mailbox "${from}" does not exist`);
      if (state.mailboxes.has(to)) refuse('AlreadyExists', `mailbox "${to}" already exists`);
      if (to === from || isInside(to, from)) refuse('InvalidName', `cannot rename "${from}" into itself`);
      if (to === INBOX) refuse('AlreadyExists', 'INBOX already exists');
      // Renaming INBOX moves its messages to the new name and leaves an empty INBOX; its
      // children stay where they are (RFC 3501 6.3.5).
      const moving =
        from === INBOX ? [source] : [source, ...[...state.mailboxes.values()].filter((m) => isInside(m.name, from))];
      const renames = moving.map((m) => ({ mailboxId: m.mailboxId, from: m.name, to: to + m.name.slice(from.length) }));
      for (const parent of parentNames(to)) if (!created.has(parent)) create(parent, null);
      events.push(eventOf('MailboxRenamed', { accountId, renames }, ctx));
      if (from === INBOX) create(INBOX, null);
      return events;
    }
    case 'delete': {
      const name = normalizeMailboxName(command.name);
      if (name === INBOX) refuse('NotAllowed', 'INBOX cannot be deleted');
      const entry = state.mailboxes.get(name);
      if (!entry) refuse('NotFound', `mailbox "${name}" does not exist`);
      // A mailbox with children may be deleted: its name stays as a \Noselect parent (RFC 3501 6.3.4).
      return [eventOf('MailboxDeleted', { accountId, mailboxId: entry.mailboxId, name }, ctx)];
    }
    case 'subscribe': {
      const name = normalizeMailboxName(command.name);
      return state.subscriptions.has(name) ? [] : [eventOf('MailboxSubscribed', { accountId, name }, ctx)];
    }
    case 'unsubscribe': {
      const name = normalizeMailboxName(command.name);
      return state.subscriptions.has(name) ? [eventOf('MailboxUnsubscribed', { accountId, name }, ctx)] : [];
    }
  }
}

function evolve(state: AccountState, event: AccountEvent): AccountState {
  switch (event.type) {
    case 'MailboxCreated': {
      const { mailboxId, name, uidValidity, specialUse } = event.data;
      state.mailboxes.set(name, { mailboxId, name, uidValidity, specialUse });
      state.lastUidValidity = Math.max(state.lastUidValidity, uidValidity);
      return state;
    }
    case 'MailboxRenamed': {
      const moved = event.data.renames.map((r) => ({ entry: state.mailboxes.get(r.from), to: r.to }));
      for (const r of event.data.renames) state.mailboxes.delete(r.from);
      for (const { entry, to } of moved) if (entry) state.mailboxes.set(to, { ...entry, name: to });
      return state;
    }
    case 'MailboxDeleted':
      state.mailboxes.delete(event.data.name);
      return state;
    case 'MailboxSubscribed':
      state.subscriptions.add(event.data.name);
      return state;
    case 'MailboxUnsubscribed':
      state.subscriptions.delete(event.data.name);
      return state;
  }
}

export const accountDecider: Decider<AccountCommand, AccountState, AccountEvent> = {
  initialState: () => ({ mailboxes: new Map(), subscriptions: new Set(), lastUidValidity: 0 }),
  evolve,
  decide,
};
