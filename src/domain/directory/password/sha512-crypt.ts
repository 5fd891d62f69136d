// SHA-512 crypt (`$6$`), as specified by Ulrich Drepper ("Unix crypt using SHA-256 and SHA-512")
// and implemented by glibc: only to verify hashes imported from an older directory.
import { createHash } from 'node:crypto';

const ALPHABET = './0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const ROUNDS_DEFAULT = 5000;
const ROUNDS_MIN = 1000;
const ROUNDS_MAX = 999_999_999;

// The order in which the 64 digest bytes are written, three at a time (the spec's final step).
const ORDER: readonly (readonly [number, number, number])[] = [
  [0, 21, 42], [22, 43, 1], [44, 2, 23], [3, 24, 45], [25, 46, 4], [47, 5, 26], [6, 27, 48],
  [28, 49, 7], [50, 8, 29], [9, 30, 51], [31, 52, 10], [53, 11, 32], [12, 33, 54], [34, 55, 13],
  [56, 14, 35], [15, 36, 57], [37, 58, 16], [59, 17, 38], [18, 39, 60], [40, 61, 19], [62, 20, 41],
];

const sha512 = (...parts: Buffer[]) => {
  const h = createHash('sha512');
  for (const p of parts) h.update(p);
  return h.digest();
};

/** `length` bytes of `block` repeated. */
function repeated(block: Buffer, length: number): Buffer {
  const out = Buffer.alloc(length);
  for (let i = 0; i < length; i += block.length) block.copy(out, i, 0, Math.min(block.length, length - i));
  return out;
}

function encode(digest: Buffer): string {
  let out = '';
  const put = (w: number, n: number) => {
    for (let i = 0; i < n; i++, w >>= 6) out += ALPHABET[w & 0x3f];
  };
  for (const [a, b, c] of ORDER) put((digest[a]! << 16) | (digest[b]! << 8) | digest[c]!, 4);
  put(digest[63]!, 2);
  return out;
}

export type Sha512CryptSetting = { salt: string; rounds: number; roundsGiven: boolean };

/** Reads `$6$[rounds=N$]salt[$...]`; rounds are clamped into the spec's range as glibc does. */
export function parseSha512Setting(setting: string): Sha512CryptSetting | undefined {
  const m = /^\$6\$(?:rounds=(\d{1,10})\$)?([^$]*)/.exec(setting);
  if (!m) return undefined;
  const roundsGiven = m[1] !== undefined;
  const rounds = roundsGiven ? Math.min(ROUNDS_MAX, Math.max(ROUNDS_MIN, Number(m[1]))) : ROUNDS_DEFAULT;
  return { salt: m[2]!.slice(0, 16), rounds, roundsGiven };
}

/** crypt(password, setting) for `$6$`: the full hash string. */
export function sha512Crypt(password: string, setting: string): string {
  const parsed = parseSha512Setting(setting);
  if (!parsed) throw new Error('not a $6$ setting');
  const { salt: saltText, rounds, roundsGiven } = parsed;
  const P = Buffer.from(password, 'utf8');
  const S = Buffer.from(saltText, 'utf8');

  const B = sha512(P, S, P);
  const a = createHash('sha512').update(P).update(S);
  a.update(repeated(B, P.length));
  for (let n = P.length; n > 0; n >>= 1) a.update(n & 1 ? B : P);
  const A = a.digest();

  const DP = createHash('sha512');
  for (let i = 0; i < P.length; i++) DP.update(P);
  const Pbytes = repeated(DP.digest(), P.length);
  const DS = createHash('sha512');
  for (let i = 0; i < 16 + A[0]!; i++) DS.update(S);
  const Sbytes = repeated(DS.digest(), S.length);

  let C = A;
  for (let i = 0; i < rounds; i++) {
    const h = createHash('sha512');
    h.update(i & 1 ? Pbytes : C);
    if (i % 3) h.update(Sbytes);
    if (i % 7) h.update(Pbytes);
    h.update(i & 1 ? C : Pbytes);
    C = h.digest();
  }
  return `$6$${roundsGiven ? `rounds=${rounds}$` : ''}${saltText}$${encode(C)}`;
}
