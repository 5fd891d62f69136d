import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { decodeMailboxName, encodeMailboxName } from './mutf7.ts';

describe('modified UTF-7 mailbox names', () => {
  it('encodes and decodes the RFC 3501 examples and common names', () => {
    const cases: [string, string][] = [
      ['~peter/mail/台北/日本語', '~peter/mail/&U,BTFw-/&ZeVnLIqe-'],
      ['Entwürfe', 'Entw&APw-rfe'],
      ['Tom & Jerry', 'Tom &- Jerry'],
      ['Sent Items', 'Sent Items'],
      ['Отправленные', '&BB4EQgQ,BEAEMAQyBDsENQQ9BD0ESwQ1-'],
      ['😀', '&2D3eAA-'],
    ];
    for (const [name, wire] of cases) {
      assert.equal(encodeMailboxName(name), wire);
      assert.equal(decodeMailboxName(wire), name);
    }
  });

  it('refuses malformed encodings', () => {
    for (const wire of ['&Jjo', '&AGE-', '&U,BTFw', '&!!-']) assert.equal(decodeMailboxName(wire), null, wire);
  });

  it('round-trips any name', () => {
    fc.assert(fc.property(fc.string({ unit: 'grapheme', maxLength: 20 }), (name) => decodeMailboxName(encodeMailboxName(name)) === name));
  });
});
