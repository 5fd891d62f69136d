// postlog's own password hashes: scrypt (memory-hard) from node:crypto, stored as
// `$scrypt$ln=15,r=8,p=1$<salt>$<key>` (base64, as passlib writes them).
import { randomBytes, scrypt as scryptCallback, timingSafeEqual, type ScryptOptions } from 'node:crypto';

export const SCRYPT_DEFAULTS = { ln: 15, r: 8, p: 1 } as const;
const KEY_LENGTH = 32;

function derive(password: string, salt: Buffer, ln: number, r: number, p: number, length: number): Promise<Buffer> {
  const N = 2 ** ln;
  const options: ScryptOptions = { N, r, p, maxmem: 256 * N * r + 1024 * 1024 };
  return new Promise((resolve, reject) =>
    scryptCallback(password.normalize('NFC'), salt, length, options, (error, key) => (error ? reject(error) : resolve(key))),
  );
}

const b64 = (b: Buffer) => b.toString('base64').replace(/=+$/, '');

export async function hashScrypt(password: string, params: { ln: number; r: number; p: number } = SCRYPT_DEFAULTS): Promise<string> {
  const salt = randomBytes(16);
  const key = await derive(password, salt, params.ln, params.r, params.p, KEY_LENGTH);
  return `$scrypt$ln=${params.ln},r=${params.r},p=${params.p}$${b64(salt)}$${b64(key)}`;
}

const FORMAT = /^\$scrypt\$ln=(\d{1,2}),r=(\d{1,2}),p=(\d{1,2})\$([A-Za-z0-9+/]+)\$([A-Za-z0-9+/]+)$/;

/** Parameters of a stored scrypt hash, bounded so an odd stored value cannot exhaust memory. */
export function scryptParams(hash: string): { ln: number; r: number; p: number; salt: Buffer; key: Buffer } | undefined {
  const m = FORMAT.exec(hash);
  if (!m) return undefined;
  const [ln, r, p] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (ln < 1 || ln > 20 || r < 1 || r > 32 || p < 1 || p > 16) return undefined;
  const key = Buffer.from(m[5]!, 'base64');
  if (key.length < 16) return undefined;
  return { ln, r, p, salt: Buffer.from(m[4]!, 'base64'), key };
}

export async function verifyScrypt(password: string, hash: string): Promise<boolean> {
  const params = scryptParams(hash);
  if (!params) return false;
  const key = await derive(password, params.salt, params.ln, params.r, params.p, params.key.length);
  return timingSafeEqual(key, params.key);
}

/** True when the hash was made with weaker parameters than today's defaults. */
export function scryptIsWeak(hash: string): boolean {
  const params = scryptParams(hash);
  return !params || params.ln < SCRYPT_DEFAULTS.ln || params.r < SCRYPT_DEFAULTS.r;
}
