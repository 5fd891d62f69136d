// The account view: the folder tree (with implied parents and child attributes), subscriptions,
// and the directory's address -> account map.
import type { Database } from 'lmdb';
import type { AccountEvent, SpecialUse } from '../domain/account/events.ts';
import type { AccountCreated, UserDeleted } from '../domain/directory/events.ts';
import { isInside, parentNames } from '../domain/account/names.ts';
import { lmdbKeyValue } from './lmdb-kv.ts';
import type { KeyValue, Projection } from './projection.ts';

type StoredMailbox = { mailboxId: string; name: string; uidValidity: number; specialUse: SpecialUse | null };
type StoredAccount = { accountId: string; address: string; mailboxes: StoredMailbox[]; subscriptions: string[] };

export type FolderEntry = Readonly<{
  name: string;
  /** null for a \Noselect name that exists only because it has children */
  mailboxId: string | null;
  uidValidity: number | null;
  specialUse: SpecialUse | null;
  subscribed: boolean;
  /** IMAP LIST attributes: \HasChildren or \HasNoChildren, \Noselect, special use */
  attributes: string[];
}>;

const TYPES = new Set<string>(['AccountCreated', 'MailboxCreated', 'MailboxRenamed', 'MailboxDeleted', 'MailboxSubscribed', 'MailboxUnsubscribed']);

function evolve(kv: KeyValue, event: AccountEvent | AccountCreated): void {
  const { accountId } = event.data;
  const account = kv.get<StoredAccount>(['account', accountId]) ?? { accountId, address: '', mailboxes: [], subscriptions: [] };
  switch (event.type) {
    case 'AccountCreated':
      account.address = event.data.address;
      kv.put(['address', event.data.address], accountId);
      break;
    case 'MailboxCreated': {
      const { mailboxId, name, uidValidity, specialUse } = event.data;
      account.mailboxes = [...account.mailboxes.filter((m) => m.name !== name), { mailboxId, name, uidValidity, specialUse }];
      break;
    }
    case 'MailboxRenamed':
      for (const r of event.data.renames) {
        const m = account.mailboxes.find((x) => x.mailboxId === r.mailboxId);
        if (m) m.name = r.to;
      }
      break;
    case 'MailboxDeleted':
      account.mailboxes = account.mailboxes.filter((m) => m.mailboxId !== event.data.mailboxId);
      break;
    case 'MailboxSubscribed':
      if (!account.subscriptions.includes(event.data.name)) account.subscriptions.push(event.data.name);
      break;
    case 'MailboxUnsubscribed':
      account.subscriptions = account.subscriptions.filter((n) => n !== event.data.name);
      break;
  }
  account.mailboxes.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  kv.put(['account', accountId], account);
}

export const accountProjection: Projection = {
  name: 'accounts',
  version: 2,
  evolve(kv, recorded) {
    // A deleted user's address no longer leads to its account (its folders stay, as in the log).
    if (recorded.event.type === 'UserDeleted') kv.remove(['address', (recorded.event as UserDeleted).data.address]);
    else if (TYPES.has(recorded.event.type)) evolve(kv, recorded.event as AccountEvent | AccountCreated);
  },
};

export class AccountView {
  private readonly kv: KeyValue;
  constructor(db: Database) {
    this.kv = lmdbKeyValue(db);
  }

  accountOf(address: string): string | undefined {
    return this.kv.get<string>(['address', address.toLowerCase()]);
  }

  address(accountId: string): string | undefined {
    return this.kv.get<StoredAccount>(['account', accountId])?.address;
  }

  accounts(): { accountId: string; address: string }[] {
    return [...this.kv.children<StoredAccount>(['account'])].map(({ value }) => ({ accountId: value.accountId, address: value.address }));
  }

  /** The folder tree in name order, including \Noselect parents of orphaned children. */
  tree(accountId: string): FolderEntry[] {
    const account = this.kv.get<StoredAccount>(['account', accountId]);
    if (!account) return [];
    const byName = new Map(account.mailboxes.map((m) => [m.name, m]));
    const names = new Set(byName.keys());
    for (const m of account.mailboxes) for (const p of parentNames(m.name)) names.add(p);
    const sorted = [...names].sort();
    return sorted.map((name) => {
      const m = byName.get(name);
      const hasChildren = sorted.some((other) => isInside(other, name));
      const attributes = [hasChildren ? '\\HasChildren' : '\\HasNoChildren'];
      if (!m) attributes.unshift('\\Noselect');
      if (m?.specialUse) attributes.push(m.specialUse);
      return {
        name,
        mailboxId: m?.mailboxId ?? null,
        uidValidity: m?.uidValidity ?? null,
        specialUse: m?.specialUse ?? null,
        subscribed: account.subscriptions.includes(name),
        attributes,
      };
    });
  }

  /** Subscribed names, whether or not they exist. */
  subscriptions(accountId: string): string[] {
    return this.kv.get<StoredAccount>(['account', accountId])?.subscriptions ?? [];
  }

  mailboxByName(accountId: string, name: string): StoredMailbox | undefined {
    return this.kv.get<StoredAccount>(['account', accountId])?.mailboxes.find((m) => m.name === name);
  }
}

