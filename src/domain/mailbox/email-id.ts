// The emailId a delivery is given, derived from what the delivery is rather than drawn at random:
// the same SMTP transaction delivered to an account separately on two stores (an outage, a
// failover) gets the same emailId on both, so a merge keeps one copy and its POP3 UIDL and
// RFC 8474 EMAILID stay what each side's clients already saw.
import { hash } from 'node:crypto';
import type { MessageSource } from './events.ts';

type Delivery = Extract<MessageSource, { kind: 'delivery' }>;

/**
 * "d" and 32 hex digits (128 bits of SHA-256): an RFC 8474 objectid, never a UUID (so never an
 * emailId drawn before this rule existed), short enough to be a POP3 UIDL as it is.
 * One transaction delivers once per account, so (transaction, account, content) names one message.
 */
export function deliveryEmailId(accountId: string, source: Delivery, blobId: string): string {
  const identity = JSON.stringify(['delivery', source.transactionId, accountId, source.contentHash ?? blobId]);
  return `d${hash('sha256', identity, 'hex').slice(0, 32)}`;
}
