// Mail addresses and domains as the directory keys them.
import { refuse } from '../decider.ts';

const LOCAL = /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~.-]+$/;
const DOMAIN = /^(?=.{1,253}$)([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)*[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/;

/** Lower-cased `local@domain`; refuses anything a mail client could not type or route. */
export function normalizeAddress(address: string): string {
  const trimmed = String(address).trim();
  const at = trimmed.lastIndexOf('@');
  if (at <= 0 || at === trimmed.length - 1) refuse('InvalidArgument', `"${address}" is not a mail address (local@domain)`);
  const local = trimmed.slice(0, at);
  const domain = trimmed.slice(at + 1);
  if (local.length > 64 || !LOCAL.test(local) || local.startsWith('.') || local.endsWith('.') || local.includes('..')) {
    refuse('InvalidArgument', `"${address}" has an invalid local part`);
  }
  if (!DOMAIN.test(domain)) refuse('InvalidArgument', `"${address}" has an invalid domain`);
  return `${local}@${domain}`.toLowerCase();
}

/** Lower-cased domain name; refuses what DNS could not hold. */
export function normalizeDomain(domain: string): string {
  const trimmed = String(domain).trim().replace(/\.$/, '');
  if (!DOMAIN.test(trimmed)) refuse('InvalidArgument', `"${domain}" is not a domain name`);
  return trimmed.toLowerCase();
}

/** The parts of an address already normalized. */
export function splitAddress(address: string): { local: string; domain: string } {
  const at = address.lastIndexOf('@');
  return { local: address.slice(0, at), domain: address.slice(at + 1) };
}

/** `user+tag@domain` -> `user@domain`; undefined when there is no tag. */
export function withoutTag(address: string): string | undefined {
  const { local, domain } = splitAddress(address);
  const plus = local.indexOf('+');
  return plus > 0 ? `${local.slice(0, plus)}@${domain}` : undefined;
}
