// The password hash schemes postlog can verify: its own (scrypt) and those imported from older
// directories (OpenLDAP {SSHA}/{SSHA512}, Dovecot {SHA512-CRYPT}/{BLF-CRYPT}, crypt(3) $6$/$2y$).

export type Scheme = 'scrypt' | 'ssha' | 'ssha512' | 'sha512-crypt' | 'bcrypt';

/** The scheme a stored hash is in (with its `{SCHEME}` prefix removed), or undefined. */
export function parseHash(stored: string): { scheme: Scheme; hash: string } | undefined {
  const brace = /^\{([A-Z0-9.-]+)\}(.*)$/is.exec(stored);
  const prefix = brace?.[1]?.toUpperCase();
  const hash = brace ? brace[2]! : stored;
  switch (prefix) {
    case 'SSHA':
      return { scheme: 'ssha', hash };
    case 'SSHA512':
      return { scheme: 'ssha512', hash };
    case 'SHA512-CRYPT':
    case 'BLF-CRYPT':
    case 'CRYPT':
    case undefined:
      break;
    default:
      return undefined;
  }
  if (hash.startsWith('$scrypt$') && prefix === undefined) return { scheme: 'scrypt', hash };
  if (hash.startsWith('$6$') && prefix !== 'BLF-CRYPT') return { scheme: 'sha512-crypt', hash };
  if (/^\$2[aby]\$\d\d\$/.test(hash) && prefix !== 'SHA512-CRYPT') return { scheme: 'bcrypt', hash };
  return undefined;
}

export function isPasswordHash(stored: string): boolean {
  return typeof stored === 'string' && parseHash(stored) !== undefined;
}
