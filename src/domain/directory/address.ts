// Mail addresses as the directory keys them.
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
