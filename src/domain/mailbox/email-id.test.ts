// A delivery's emailId names the delivery: the same transaction to the same account with the same
// content is one emailId on any store; anything else is another, and each is a POP3 UIDL as it is.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { deliveryEmailId } from './email-id.ts';
import { uidlBase } from './uidl.ts';

const source = { kind: 'delivery', mailFrom: 'a@example.net', rcptTo: 'carol@example.test', clientAddress: '192.0.2.1', transactionId: 'tx1', contentHash: 'c1' } as const;

describe('the emailId of a delivery', () => {
  it('is the same for the same transaction, account and content, whatever the stored bytes and recipient address', () => {
    const id = deliveryEmailId('acc', source, 'blob-on-a');
    assert.equal(deliveryEmailId('acc', { ...source, rcptTo: 'alias@example.test' }, 'blob-on-b'), id);
    assert.match(id, /^d[0-9a-f]{32}$/, 'an RFC 8474 objectid');
    assert.equal(uidlBase(id), id, 'its POP3 UIDL is the emailId itself');
  });

  it('differs when the transaction, the account or the content does', () => {
    const ids = [
      deliveryEmailId('acc', source, 'b'),
      deliveryEmailId('acc', { ...source, transactionId: 'tx2' }, 'b'),
      deliveryEmailId('other', source, 'b'),
      deliveryEmailId('acc', { ...source, contentHash: 'c2' }, 'b'),
      deliveryEmailId('acc', { ...source, contentHash: undefined }, 'b'),
    ];
    assert.equal(new Set(ids).size, ids.length);
  });
});
