import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { uidls, uidlBase } from './uidl.ts';

const VALID = /^[\x21-\x7e]{1,70}$/;
const e1 = '0196e0c1-7a7b-7c3d-8e9f-0a1b2c3d4e5f';
const e2 = '0196e0c1-7a7b-7c3d-8e9f-0a1b2c3d4e60';
const p = (n: number) => `0196e0c2-0000-7000-8000-${String(n).padStart(12, '0')}`;

describe('POP3 UIDL rule', () => {
  it('is the bare emailId for a single copy', () => {
    assert.deepEqual(uidls([{ emailId: e1, placedBy: p(5) }, { emailId: e2, placedBy: p(1) }]), [e1, e2]);
  });

  it('gives the earliest placement of a duplicated email the bare id and the others a stable suffix', () => {
    const later = { emailId: e1, placedBy: p(9) };
    const earlier = { emailId: e1, placedBy: p(3) };
    const [a, b] = uidls([later, earlier]);
    assert.equal(b, e1);
    assert.match(a!, new RegExp(`^${e1}\\.[0-9a-f]{8}$`));
    // the order the messages are listed in (UID order) does not matter
    assert.deepEqual(uidls([earlier, later]), [b, a]);
    // nor do other messages around them
    assert.deepEqual(uidls([{ emailId: e2, placedBy: p(1) }, later, earlier]).slice(1), [a, b]);
  });

  it('replaces an emailId that is not a valid unique-id by a hash of it', () => {
    for (const odd of ['with space', 'x'.repeat(71), 'é-accent', '']) {
      const [id] = uidls([{ emailId: odd, placedBy: p(1) }]);
      assert.match(id!, VALID);
      assert.equal(id, uidlBase(odd));
    }
    assert.notEqual(uidlBase('a b'), uidlBase('a  b'));
  });

  it('is always unique, printable and at most 70 characters', () => {
    const emailId = fc.oneof(fc.constantFrom(e1, e2, `${e1}.abcdef01`), fc.string({ maxLength: 80 }), fc.uuid());
    const placement = fc.record({ emailId, placedBy: fc.uuid() });
    fc.assert(
      fc.property(fc.uniqueArray(placement, { selector: (m) => m.placedBy, maxLength: 30 }), (messages) => {
        const ids = uidls(messages);
        assert.equal(new Set(ids).size, ids.length);
        for (const id of ids) assert.match(id, VALID);
        // deterministic
        assert.deepEqual(uidls(messages), ids);
      }),
    );
  });
});
