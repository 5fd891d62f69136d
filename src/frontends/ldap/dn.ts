// Distinguished names as the tree keys them: values escaped as RFC 4514 says, and a canonical
// lower-case form so `UID=Alice, OU=People, DC=Example, DC=Org` finds uid=alice,ou=people,...
import type { ParsedDn } from './ldapjs.ts';
import { attributeKey } from './schema.ts';

/** Escapes an attribute value for a DN string (RFC 4514, section 2.4). */
export function escapeDnValue(value: string): string {
  let out = value.replace(/[\\,+"<>;=]/g, (c) => `\\${c}`).replace(/\u0000/g, '\\00');
  if (out.startsWith('#') || out.startsWith(' ')) out = `\\${out}`;
  if (out.endsWith(' ') && out.length > 1) out = `${out.slice(0, -1)}\\ `;
  return out;
}

export type Rdn = readonly (readonly [attribute: string, value: string])[];

export function dnString(rdns: readonly Rdn[]): string {
  return rdns.map((rdn) => rdn.map(([a, v]) => `${a}=${escapeDnValue(v)}`).join('+')).join(',');
}

/** The canonical key: known attribute names by their primary name, values lower-cased, RDN parts sorted. */
export function dnKey(rdns: readonly Rdn[]): string {
  return rdns
    .map((rdn) =>
      rdn
        .map(([a, v]) => `${attributeKey(a) ?? a.toLowerCase()}=${escapeDnValue(v.trim().replace(/\s+/g, ' ').toLowerCase())}`)
        .sort()
        .join('+'),
    )
    .join(',');
}

/** The RDNs of a DN parsed by ldapjs. */
export function rdnsOf(dn: ParsedDn): Rdn[] {
  const rdns: Rdn[] = [];
  for (let i = 0; i < dn.length; i++) {
    const rdn = dn.rdnAt(i);
    rdns.push([...rdn.keys()].map((k) => [k, String(rdn.getValue(k) ?? '')] as const));
  }
  return rdns;
}

/** `example.org` -> `dc=example,dc=org` */
export function suffixFromDomain(domain: string): string {
  return domain
    .split('.')
    .filter(Boolean)
    .map((label) => `dc=${escapeDnValue(label)}`)
    .join(',');
}
