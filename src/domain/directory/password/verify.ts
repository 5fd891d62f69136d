// Hashing new passwords (scrypt) and verifying stored ones in any scheme postlog reads; a hash in
// an old scheme (or with weak parameters) is reported so the caller can re-hash on login.
import { createHash, timingSafeEqual } from 'node:crypto';
import bcrypt from 'bcryptjs';
import { parseHash } from './formats.ts';
import { hashScrypt, scryptIsWeak, verifyScrypt } from './scrypt.ts';
import { sha512Crypt } from './sha512-crypt.ts';

export { hashScrypt as hashPassword } from './scrypt.ts';

/** {SSHA} / {SSHA512}: base64(digest(password + salt) + salt). */
function verifySalted(algorithm: 'sha1' | 'sha512', password: string, encoded: string): boolean {
  const raw = Buffer.from(encoded, 'base64');
  const size = algorithm === 'sha1' ? 20 : 64;
  if (raw.length <= size) return false;
  const digest = raw.subarray(0, size);
  const salt = raw.subarray(size);
  const computed = createHash(algorithm).update(Buffer.from(password, 'utf8')).update(salt).digest();
  return timingSafeEqual(computed, digest);
}

function sameText(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parsed = parseHash(stored);
  if (!parsed) return false;
  switch (parsed.scheme) {
    case 'scrypt':
      return verifyScrypt(password, parsed.hash);
    case 'ssha':
      return verifySalted('sha1', password, parsed.hash);
    case 'ssha512':
      return verifySalted('sha512', password, parsed.hash);
    case 'sha512-crypt':
      return sameText(sha512Crypt(password, parsed.hash), parsed.hash);
    case 'bcrypt':
      return bcrypt.compare(password, parsed.hash);
  }
}

/** Should a hash that just verified be replaced with a fresh scrypt one? */
export function needsRehash(stored: string): boolean {
  const parsed = parseHash(stored);
  return parsed?.scheme !== 'scrypt' || scryptIsWeak(parsed.hash);
}
