// The attribute types the tree serves, their other names, and how values of each compare
// (caseIgnoreMatch, caseIgnoreIA5Match, telephoneNumberMatch, distinguishedNameMatch).

export type Syntax = 'text' | 'phone' | 'dn' | 'integer';

type AttributeType = Readonly<{ name: string; syntax: Syntax; operational?: boolean; /** index into Entry.match */ slot: number }>;

const TYPES: readonly (Omit<AttributeType, 'slot'> & { aliases?: readonly string[] })[] = [
  { name: 'objectClass', syntax: 'text', aliases: ['2.5.4.0'] },
  { name: 'uid', syntax: 'text', aliases: ['userid', '0.9.2342.19200300.100.1.1'] },
  { name: 'cn', syntax: 'text', aliases: ['commonName', '2.5.4.3'] },
  { name: 'sn', syntax: 'text', aliases: ['surname', '2.5.4.4'] },
  { name: 'givenName', syntax: 'text', aliases: ['gn', '2.5.4.42'] },
  { name: 'displayName', syntax: 'text', aliases: ['2.16.840.1.113730.3.1.241'] },
  { name: 'mail', syntax: 'text', aliases: ['rfc822Mailbox', '0.9.2342.19200300.100.1.3'] },
  { name: 'telephoneNumber', syntax: 'phone', aliases: ['2.5.4.20'] },
  { name: 'member', syntax: 'dn', aliases: ['2.5.4.31'] },
  { name: 'ou', syntax: 'text', aliases: ['organizationalUnitName', '2.5.4.11'] },
  { name: 'o', syntax: 'text', aliases: ['organizationName', '2.5.4.10'] },
  { name: 'dc', syntax: 'text', aliases: ['domainComponent', '0.9.2342.19200300.100.1.25'] },
  { name: 'description', syntax: 'text', aliases: ['2.5.4.13'] },
  { name: 'mailQuota', syntax: 'integer' },
  { name: 'namingContexts', syntax: 'dn', operational: true },
  { name: 'supportedLDAPVersion', syntax: 'integer', operational: true },
  { name: 'supportedExtension', syntax: 'text', operational: true },
  { name: 'supportedSASLMechanisms', syntax: 'text', operational: true },
  { name: 'vendorName', syntax: 'text', operational: true },
  { name: 'entryDN', syntax: 'dn', operational: true },
  { name: 'hasSubordinates', syntax: 'text', operational: true },
  { name: 'structuralObjectClass', syntax: 'text', operational: true },
];

export const SLOTS = TYPES.length;

const BY_NAME = new Map<string, AttributeType>();
for (const [slot, t] of TYPES.entries()) for (const n of [t.name, ...(t.aliases ?? [])]) BY_NAME.set(n.toLowerCase(), { ...t, slot });

/** Operational attributes (RFC 4512) are returned only when asked for by name or with "+". */
export const OPERATIONAL_SLOTS: ReadonlySet<number> = new Set(TYPES.flatMap((t, slot) => (t.operational ? [slot] : [])));

/** The attribute type a name (any case, alias or OID) stands for; undefined when unknown. */
export function attributeType(name: string): AttributeType | undefined {
  return BY_NAME.get(name.toLowerCase());
}

/** The key under which an entry holds this attribute (lower-cased primary name). */
export function attributeKey(name: string): string | undefined {
  return BY_NAME.get(name.toLowerCase())?.name.toLowerCase();
}

/** A value as the attribute's equality rule sees it. */
export function normalizeValue(syntax: Syntax, value: string): string {
  switch (syntax) {
    case 'phone':
      return value.replace(/[\s-]/g, '').toLowerCase();
    case 'integer':
      return value.trim();
    case 'dn':
      return value.replace(/\s*([,=+])\s*/g, '$1').trim().toLowerCase();
    case 'text':
      return value.trim().replace(/\s+/g, ' ').toLowerCase();
  }
}
