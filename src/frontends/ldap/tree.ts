// The directory as an LDAP tree: the suffix, ou=people with one inetOrgPerson per user,
// ou=groups with one groupOfNames per group. Built from the directory view as a snapshot with
// every attribute already BER-encoded, and rebuilt after the log changes the directory.
import { DIRECTORY_STREAM } from '../../domain/directory/events.ts';
import type { DirectoryGroup, DirectoryUser, DirectoryView } from '../../projections/directory-view.ts';
import type { ProjectionRunner } from '../../projections/runner.ts';
import { encodeEntry, type EncodedEntry } from './ber.ts';
import { dnKey, dnString, rdnsOf, type Rdn } from './dn.ts';
import { FilterIndex } from './filter-index.ts';
import { parseDn } from './ldapjs.ts';
import { attributeType, normalizeValue, SLOTS } from './schema.ts';

export type Entry = Readonly<{
  dn: string;
  key: string;
  /** key of the parent entry; '' for the suffix */
  parent: string;
  /** the DN and every attribute, BER-encoded in one buffer (see ber.ts encodeEntry) */
  encoded: EncodedEntry;
  /** schema slot of each attribute, in the order of encoded.spans */
  slots: readonly number[];
  /** values by schema slot, as stored */
  values: readonly (readonly string[] | undefined)[];
  /** values by schema slot as the attribute's equality rule compares them (what filters read) */
  match: readonly (readonly string[] | undefined)[];
  /** the user this entry is, for binds */
  accountId: string | undefined;
}> & {
  /** index in DirectoryTree.entries (-1 for the rootDSE); set again when a rebuild reuses the entry */
  position: number;
};

/** A user's entry with what it was made from, so an unchanged user is not encoded again. */
export type UserEntries = ReadonlyMap<string, Readonly<{ signature: string; entry: Entry }>>;

export const OID = { startTls: '1.3.6.1.4.1.1466.20037', whoAmI: '1.3.6.1.4.1.4203.1.11.3' } as const;

type Values = Record<string, string | readonly string[] | undefined>;

function entry(position: number, rdns: readonly Rdn[], given: Values, parent: string, accountId?: string): Entry {
  const dn = dnString(rdns);
  const values: (readonly string[] | undefined)[] = new Array(SLOTS).fill(undefined);
  const match: (readonly string[] | undefined)[] = new Array(SLOTS).fill(undefined);
  const slots: number[] = [];
  const encode: [string, readonly string[]][] = [];
  for (const [name, raw] of Object.entries(given)) {
    const list = [...new Set((typeof raw === 'string' ? [raw] : (raw ?? [])).filter((v) => v !== ''))];
    if (!list.length) continue;
    const type = attributeType(name);
    if (!type) throw new Error(`the tree uses an attribute the schema does not know: ${name}`);
    values[type.slot] = list;
    match[type.slot] = list.map((v) => normalizeValue(type.syntax, v));
    slots.push(type.slot);
    encode.push([type.name, list]);
  }
  // One literal shape for every entry (a spread would leave some in dictionary mode: slow to read).
  return { dn, key: dnKey(rdns), parent, encoded: encodeEntry(dn, encode), slots, values, match, accountId, position };
}

const operational = (dn: string, structural: string, leaf: boolean): Values => ({
  entryDN: dn,
  structuralObjectClass: structural,
  hasSubordinates: leaf ? 'FALSE' : 'TRUE',
});

function userValues(u: DirectoryUser): Values {
  const cn = u.displayName ?? ([u.givenName, u.surname].filter(Boolean).join(' ') || u.uid);
  return {
    objectClass: ['top', 'person', 'organizationalPerson', 'inetOrgPerson'],
    uid: u.uid,
    cn,
    sn: u.surname ?? cn,
    givenName: u.givenName,
    displayName: u.displayName,
    mail: [u.address, ...u.aliases],
    telephoneNumber: u.phone,
  };
}

export class DirectoryTree {
  /** in tree order: a parent before its children */
  readonly entries: readonly Entry[];
  readonly byKey: ReadonlyMap<string, Entry>;
  readonly byAccount: ReadonlyMap<string, Entry>;
  readonly suffix: Entry;
  readonly rootDse: Entry;
  /** columns for answering filters without visiting every entry */
  readonly filterIndex: FilterIndex;
  /** for the next rebuild */
  readonly userEntries: UserEntries;

  constructor(suffixDn: string, view: Pick<DirectoryView, 'users' | 'groups' | 'ownerOf' | 'group'>, previous: UserEntries = new Map()) {
    const suffixRdns = rdnsOf(parseDn(suffixDn));
    if (!suffixRdns.length) throw new Error('the LDAP suffix must not be empty');
    const [[firstType, firstValue] = ['', '']] = suffixRdns[0]!;
    const isDc = firstType.toLowerCase() === 'dc';
    const suffixDnText = dnString(suffixRdns);
    const entries: Entry[] = [];
    const add = (e: Entry) => entries.push(e);

    const suffix = entry(0, suffixRdns, {
      objectClass: isDc ? ['top', 'dcObject', 'organization'] : ['top', 'organization'],
      [firstType]: firstValue,
      o: isDc ? suffixRdns.map((r) => r[0]![1]).join('.') : firstValue,
      ...operational(suffixDnText, 'organization', false),
    }, '');
    add(suffix);
    const people: Rdn[] = [[['ou', 'people']], ...suffixRdns];
    const groups: Rdn[] = [[['ou', 'groups']], ...suffixRdns];
    const users = view.users().sort((a, b) => (a.uid < b.uid ? -1 : a.uid > b.uid ? 1 : 0));
    const groupList = view.groups();
    for (const [rdns, list] of [[people, users], [groups, groupList]] as const) {
      add(entry(entries.length, rdns, { objectClass: ['top', 'organizationalUnit'], ou: rdns[0]![0]![1], ...operational(dnString(rdns), 'organizationalUnit', !list.length) }, suffix.key));
    }
    const peopleKey = dnKey(people);
    const userDn = new Map<string, string>();
    const userEntries = new Map<string, { signature: string; entry: Entry }>();
    for (const u of users) {
      const signature = JSON.stringify([peopleKey, u.uid, u.address, u.aliases, u.displayName, u.givenName, u.surname, u.phone]);
      const reused = previous.get(u.accountId);
      let e: Entry;
      if (reused?.signature === signature) {
        e = reused.entry;
        e.position = entries.length;
      } else {
        const rdns: Rdn[] = [[['uid', u.uid]], ...people];
        e = entry(entries.length, rdns, { ...userValues(u), ...operational(dnString(rdns), 'inetOrgPerson', true) }, peopleKey, u.accountId);
      }
      userDn.set(u.accountId, e.dn);
      userEntries.set(u.accountId, { signature, entry: e });
      add(e);
    }
    this.userEntries = userEntries;
    const groupsKey = dnKey(groups);
    const groupDn = (g: DirectoryGroup) => dnString([[['cn', g.address]], ...groups]);
    const memberDn = (address: string): string | undefined => {
      const owner = view.ownerOf(address);
      if (!owner) return undefined;
      if (owner.kind !== 'group') return userDn.get(owner.accountId);
      const g = view.group(address);
      return g && groupDn(g);
    };
    for (const g of groupList) {
      const rdns: Rdn[] = [[['cn', g.address]], ...groups];
      const members = g.members.map(memberDn).filter((dn): dn is string => dn !== undefined);
      add(entry(entries.length, rdns, { objectClass: ['top', 'groupOfNames'], cn: [g.address, g.name], mail: g.address, member: members, ...operational(groupDn(g), 'groupOfNames', true) }, groupsKey));
    }

    this.entries = entries;
    this.byKey = new Map(entries.map((e) => [e.key, e]));
    this.byAccount = new Map(entries.flatMap((e) => (e.accountId === undefined ? [] : [[e.accountId, e] as const])));
    this.suffix = suffix;
    this.filterIndex = new FilterIndex(entries);
    this.rootDse = entry(-1, [], {
      objectClass: 'top',
      namingContexts: suffixDnText,
      supportedLDAPVersion: '3',
      supportedExtension: [OID.startTls, OID.whoAmI],
      vendorName: 'postlog',
    }, '');
  }
}

/** The current tree, rebuilt on first use after the projections applied a directory change. */
export class TreeSource {
  private tree: DirectoryTree | undefined;
  /** the tree before the latest change, whose unchanged user entries the next one reuses */
  private last: DirectoryTree | undefined;
  private readonly onApplied = (batch: readonly { stream: string }[]) => {
    if (!batch.some((r) => r.stream === DIRECTORY_STREAM)) return;
    this.last = this.tree ?? this.last;
    this.tree = undefined;
  };

  constructor(
    private readonly suffix: string,
    private readonly view: DirectoryView,
    private readonly runner: ProjectionRunner,
  ) {
    runner.on('applied', this.onApplied);
  }

  current(): DirectoryTree {
    return (this.tree ??= new DirectoryTree(this.suffix, this.view, this.last?.userEntries));
  }

  close(): void {
    this.runner.off('applied', this.onApplied);
  }
}
