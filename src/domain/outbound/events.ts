// Events of an outbound queue item (`outbound-<queueId>`): a message accepted for remote
// recipients, then every delivery attempt and its result per recipient, and the reports
// (bounce, delay warning) sent back to the sender.
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

/** Recorded before connecting: an attempt with no result is one a crash interrupted. */
export type DeliveryAttemptStarted = DomainEvent<
  'DeliveryAttemptStarted',
  { queueId: string; attemptId: string; domain: string; addresses: string[] }
>;

/** The remote server (or smarthost) accepted the message for this recipient. */
export type RecipientDelivered = DomainEvent<
  'RecipientDelivered',
  { queueId: string; attemptId: string; address: string; host: string; reply: string }
>;

/** A temporary failure: tried again at `nextAttemptAt`. */
export type RecipientDeferred = DomainEvent<
  'RecipientDeferred',
  { queueId: string; attemptId: string; address: string; host?: string; reason: string; reply?: string; nextAttemptAt: string }
>;

/** A permanent failure (5xx, no such domain, or too long in the queue): no more attempts. */
export type RecipientFailed = DomainEvent<
  'RecipientFailed',
  { queueId: string; attemptId: string; address: string; host?: string; reason: string; reply?: string }
>;

export type Report = {
  queueId: string;
  /** the recipients the report is about */
  addresses: string[];
  /** the envelope sender the report went to */
  to: string;
  /** the report message (RFC 3464 multipart/report) */
  blobId: string;
  /** delivered into a local mailbox, queued as a new outbound item with the null sender, or
   * dropped (a local sender address that no longer exists) */
  delivery: 'local' | 'queued' | 'dropped';
};

/** A non-delivery report (RFC 3464) for permanently failed recipients went to the sender. */
export type BounceGenerated = DomainEvent<'BounceGenerated', Report>;

/** A delay warning (RFC 3464, action=delayed) for recipients still being retried went to the sender. */
export type DelayWarningSent = DomainEvent<'DelayWarningSent', Report>;

/** An admin asked for the waiting recipients to be tried now. */
export type OutboundRetryRequested = DomainEvent<'OutboundRetryRequested', { queueId: string }>;

/** An admin removed the item: its waiting recipients are never tried again, and get no bounce. */
export type OutboundDeleted = DomainEvent<'OutboundDeleted', { queueId: string; reason: string }>;

export type OutboundEvent =
  | OutboundQueued
  | DeliveryAttemptStarted
  | RecipientDelivered
  | RecipientDeferred
  | RecipientFailed
  | BounceGenerated
  | DelayWarningSent
  | OutboundRetryRequested
  | OutboundDeleted;

export const OUTBOUND_EVENT_TYPES: readonly OutboundEvent['type'][] = [
  'OutboundQueued',
  'DeliveryAttemptStarted',
  'RecipientDelivered',
  'RecipientDeferred',
  'RecipientFailed',
  'BounceGenerated',
  'DelayWarningSent',
  'OutboundRetryRequested',
  'OutboundDeleted',
];

export const OUTBOUND_STREAM_PREFIX = 'outbound-';
export const outboundStream = (queueId: string) => `${OUTBOUND_STREAM_PREFIX}${queueId}`;
