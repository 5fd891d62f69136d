import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { hashPassword, needsRehash, verifyPassword } from './verify.ts';
import { isPasswordHash } from './formats.ts';

// Hashes as older directories stored them, each for the password "secret" unless noted.
const LEGACY: [scheme: string, password: string, stored: string][] = [
  // OpenLDAP slappasswd -h {SSHA} -s secret
  ['{SSHA}', 'secret', '{SSHA}gJu/C6NiwQuocBsaSRrkvupkCmW8ak39'],
  // OpenLDAP slappasswd -o module-load=pw-sha2 -h {SSHA512} -s secret
  ['{SSHA512}', 'secret', '{SSHA512}WSuUEn+Ix8vZIU2EmjJUm1pnDAZLKGodN/n7tY27rbaSwg0LQI4hGP2lLzYrqSiDPinNe5aX3Iseo3LvBkfDUk6tCDpyALaG'],
  // glibc crypt / Drepper's specification vector
  ['$6$', 'Hello world!', '$6$saltstring$svn8UoSVapNtMuq1ukKS4tPQd8iKwSMHWjl/O817G3uBnIFNjnQJuesI68u4OTLiBFdcbYEdFCoEOfaS35inz1'],
  ['{SHA512-CRYPT}', 'Hello world!', '{SHA512-CRYPT}$6$saltstring$svn8UoSVapNtMuq1ukKS4tPQd8iKwSMHWjl/O817G3uBnIFNjnQJuesI68u4OTLiBFdcbYEdFCoEOfaS35inz1'],
  // OpenWall crypt_blowfish test vectors ($2a$ and the same hash as $2y$)
  ['$2a$', 'U*U', '$2a$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW'],
  ['{BLF-CRYPT}$2y$', 'U*U', '{BLF-CRYPT}$2y$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW'],
];

describe('password hashes', () => {
  for (const [scheme, password, stored] of LEGACY) {
    it(`verifies an imported ${scheme} hash, refuses a wrong password, and asks for a rehash`, async () => {
      assert.ok(isPasswordHash(stored));
      assert.equal(await verifyPassword(password, stored), true);
      assert.equal(await verifyPassword(password + 'x', stored), false);
      assert.equal(needsRehash(stored), true);
    });
  }

  it('hashes with scrypt, never keeping the password, and verifies it', async () => {
    const stored = await hashPassword('correct horse');
    assert.match(stored, /^\$scrypt\$ln=15,r=8,p=1\$[A-Za-z0-9+/]+\$[A-Za-z0-9+/]+$/);
    assert.ok(!stored.includes('correct horse'));
    assert.equal(await verifyPassword('correct horse', stored), true);
    assert.equal(await verifyPassword('correct horsE', stored), false);
    assert.equal(needsRehash(stored), false);
    assert.notEqual(await hashPassword('correct horse'), stored, 'a fresh salt each time');
  });

  it('asks for a rehash of a scrypt hash made with weaker parameters', async () => {
    const weak = await hashPassword('pw', { ln: 10, r: 8, p: 1 });
    assert.equal(await verifyPassword('pw', weak), true);
    assert.equal(needsRehash(weak), true);
  });

  it('refuses what it cannot read, without throwing', async () => {
    for (const stored of ['', 'plain', '{MD5}Xr4ilOzQ4PCOq3aQ0qbuaQ==', '{SSHA}', '$scrypt$ln=40,r=8,p=1$AAAA$AAAA', '$1$salt$hash']) {
      assert.equal(await verifyPassword('secret', stored), false, stored);
    }
  });
});
