// The directory as an LDAP tree: the suffix, ou=people with one inetOrgPerson per user,
// ou=groups with one groupOfNames per group. Built from the directory view as a snapshot with
// every attribute already BER-encoded, and rebuilt after the log changes the directory.
import { DIRECTORY_STREAM } from '../../domain/directory/events.ts';
import type { DirectoryGroup, DirectoryUser, DirectoryView } from '../../projections/directory-view.ts';
import type { ProjectionRunner } from '../../projections/runner.ts';
import { octetString, partialAttribute } from './ber.ts';
import { dnKey, dnString, rdnsOf, type Rdn } from './dn.ts';
import { parseDn } from './ldapjs.ts';
import { attributeType, normalizeValue } from './schema.ts';

export type Attribute = Readonly<{
  name: string;
  values: readonly string[];
  /** the values as the equality rule compares them */
  match: readonly string[];
  operational: boolean;
  encoded: Buffer;
  encodedType: Buffer;
}>;

export type Entry = Readonly<{
  dn: string;
  key: string;
  /** key of the parent entry; '' for the suffix */
  parent: string;
  encodedDn: Buffer;
  /** by lower-cased primary attribute name */
  attributes: ReadonlyMap<string, Attribute>;
  /** the user this entry is, for binds */
  accountId?: string;
}>;

export const OID = { startTls: '1.3.6.1.4.1.1466.20037', whoAmI: '1.3.6.1.4.1.4203.1.11.3' } as const;

type Values = Record<string, string | readonly string[] | undefined>;

function entry(rdns: readonly Rdn[], values: Values, parent: string, accountId?: string): Entry {
  const dn = dnString(rdns);
  const key = dnKey(rdns);
  const attributes = new Map<string, Attribute>();
  for (const [name, raw] of Object.entries(values)) {
    const list = [...new Set((typeof raw === 'string' ? [raw] : (raw ?? [])).filter((v) => v !== ''))];
    if (!list.length) continue;
    const type = attributeType(name);
    if (!type) throw new Error(`the tree uses an attribute the schema does not know: ${name}`);
    attributes.set(type.name.toLowerCase(), {
      name: type.name,
      values: list,
      match: list.map((v) => normalizeValue(type.syntax, v)),
      operational: type.operational ?? false,
      encoded: partialAttribute(type.name, list),
      encodedType: partialAttribute(type.name, []),
    });
  }
  return { dn, key, parent, encodedDn: octetString(dn), attributes, ...(accountId !== undefined && { accountId }) };
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

  constructor(suffixDn: string, view: DirectoryView) {
    const suffixRdns = rdnsOf(parseDn(suffixDn));
    if (!suffixRdns.length) throw new Error('the LDAP suffix must not be empty');
    const [[firstType, firstValue] = ['', '']] = suffixRdns[0]!;
    const isDc = firstType.toLowerCase() === 'dc';
    const suffixDnText = dnString(suffixRdns);
    const entries: Entry[] = [];
    const add = (e: Entry) => entries.push(e);

    const suffix = entry(suffixRdns, {
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
      add(entry(rdns, { objectClass: ['top', 'organizationalUnit'], ou: rdns[0]![0]![1], ...operational(dnString(rdns), 'organizationalUnit', !list.length) }, suffix.key));
    }
    const peopleKey = dnKey(people);
    const userDn = new Map<string, string>();
    for (const u of users) {
      const rdns: Rdn[] = [[['uid', u.uid]], ...people];
      const dn = dnString(rdns);
      userDn.set(u.accountId, dn);
      add(entry(rdns, { ...userValues(u), ...operational(dn, 'inetOrgPerson', true) }, peopleKey, u.accountId));
    }
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
      add(entry(rdns, { objectClass: ['top', 'groupOfNames'], cn: [g.address, g.name], mail: g.address, member: members, ...operational(groupDn(g), 'groupOfNames', true) }, groupsKey));
    }

    this.entries = entries;
    this.byKey = new Map(entries.map((e) => [e.key, e]));
    this.byAccount = new Map(entries.flatMap((e) => (e.accountId === undefined ? [] : [[e.accountId, e] as const])));
    this.suffix = suffix;
    this.rootDse = entry([], {
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
  private readonly onApplied = (batch: readonly { stream: string }[]) => {
    if (batch.some((r) => r.stream === DIRECTORY_STREAM)) this.tree = undefined;
  };

  constructor(
    private readonly suffix: string,
    private readonly view: DirectoryView,
    private readonly runner: ProjectionRunner,
  ) {
    runner.on('applied', this.onApplied);
  }

  current(): DirectoryTree {
    return (this.tree ??= new DirectoryTree(this.suffix, this.view));
  }

  close(): void {
    this.runner.off('applied', this.onApplied);
  }
}
