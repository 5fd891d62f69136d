import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { MessageGuard } from './connection.ts';
import { integer, octetString, tlv } from './ber.ts';

// Two real requests back to back: a simple bind and an unbind.
const bind = tlv(0x30, [integer(1), tlv(0x60, [integer(3), octetString('uid=alice,ou=people,dc=example,dc=org'), tlv(0x80, [Buffer.from('pw')])])]);
const unbind = Buffer.from([0x30, 0x05, 0x02, 0x01, 0x02, 0x42, 0x00]);
const stream = Buffer.concat([bind, unbind, bind]);

describe('LDAP message guard', () => {
  it('follows message boundaries however the bytes are split', () => {
    for (const size of [1, 2, 3, 5, 8, 64, stream.length]) {
      const guard = new MessageGuard(1024);
      for (let at = 0; at < stream.length; at += size) assert.equal(guard.check(stream.subarray(at, at + size)), undefined, `chunks of ${size}`);
    }
  });
  it('stops at a byte that cannot start a message, wherever it falls', () => {
    const guard = new MessageGuard(1024);
    assert.equal(guard.check(bind), undefined);
    assert.match(guard.check(Buffer.from([0x31, 0x00]))!, /malformed BER/);
    assert.match(new MessageGuard(1024).check(Buffer.from([0x30, 0x80]))!, /malformed BER/, 'indefinite length');
  });
  it('stops at a message larger than the limit as soon as its length is known', () => {
    const guard = new MessageGuard(100);
    assert.equal(guard.check(Buffer.from([0x30, 0x82])), undefined);
    assert.match(guard.check(Buffer.from([0x10, 0x00]))!, /4100 bytes, more than 100/);
  });
});
