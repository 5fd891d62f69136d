// What the directory accepts as a person's details: printable text of sane length, a login
// name mail clients and LDAP can carry, a whole number of bytes for a quota.
import { refuse } from '../decider.ts';
import type { UserProfile } from './events.ts';

const CONTROL = /[\u0000-\u001f\u007f]/;
const UID = /^[a-z0-9][a-z0-9._-]{0,63}$/;
const PHONE = /^[0-9A-Za-z +().\/-]{1,40}$/;

function text(value: string | undefined, what: string, max = 256): string | undefined {
  if (value === undefined) return undefined;
  const trimmed = String(value).trim();
  if (!trimmed) return undefined;
  if (CONTROL.test(trimmed)) refuse('InvalidArgument', `${what} must not contain control characters`);
  if (trimmed.length > max) refuse('InvalidArgument', `${what} is longer than ${max} characters`);
  return trimmed;
}

/** A login name: lower case letters, digits, dot, dash, underscore (or the user's own address). */
export function normalizeUid(uid: string, address: string): string {
  const lowered = String(uid).trim().toLowerCase();
  if (lowered === address || UID.test(lowered)) return lowered;
  refuse('InvalidArgument', `login name "${uid}" may hold only letters, digits, ".", "-" and "_" (at most 64)`);
}

/** The profile with every field checked, empty ones dropped (no undefined keys in event data). */
export function checkedProfile(profile: UserProfile, address: string): UserProfile {
  const out: UserProfile = {};
  if (profile.uid !== undefined) out.uid = normalizeUid(profile.uid, address);
  const displayName = text(profile.displayName, 'display name');
  if (displayName) out.displayName = displayName;
  const givenName = text(profile.givenName, 'given name');
  if (givenName) out.givenName = givenName;
  const surname = text(profile.surname, 'surname');
  if (surname) out.surname = surname;
  const phone = text(profile.phone, 'phone number', 40);
  if (phone) {
    if (!PHONE.test(phone)) refuse('InvalidArgument', `phone number "${phone}" may hold only digits, letters, spaces and + ( ) . / -`);
    out.phone = phone;
  }
  if (profile.quota !== undefined) {
    if (!Number.isSafeInteger(profile.quota) || profile.quota < 0) refuse('InvalidArgument', `quota must be a whole number of bytes, not ${profile.quota}`);
    out.quota = profile.quota;
  }
  return out;
}
