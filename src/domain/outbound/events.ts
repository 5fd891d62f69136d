// Events of an outbound queue item (`outbound-<queueId>`): a message accepted for remote
// recipients, waiting for the relay (which later records its attempts on the same stream).
import type { DomainEvent } from '../event.ts';

/** Remote recipients of one domain: the relay makes one delivery attempt per group. */
export type DomainRecipients = { domain: string; addresses: string[] };

export type OutboundQueued = DomainEvent<
  'OutboundQueued',
  {
    queueId: string;
    /** the stored message; the relay sends it from byte `start` on (skipping our Return-Path) */
    blobId: string;
    start: number;
    size: number;
    /** SMTP envelope; '' is the null sender */
    mailFrom: string;
    recipients: DomainRecipients[];
    /** the SMTP transaction that handed the message to us */
    clientAddress: string;
    transactionId: string;
    /** SHA-256 of the message as the client sent it: recognises a resend after a lost reply */
    contentHash: string;
  }
>;

export type OutboundEvent = OutboundQueued;

export const OUTBOUND_EVENT_TYPES: readonly OutboundEvent['type'][] = ['OutboundQueued'];

export const outboundStream = (queueId: string) => `outbound-${queueId}`;
