// Delivery status notifications (RFC 3464, in a multipart/report of RFC 6522): the report to
// the sender of a message that failed (action=failed) or is still being retried
// (action=delayed). Built from the queue item's state alone, so building it again after a
// crash gives the same bytes, which is how a second copy is recognised and not delivered.
import { hash } from 'node:crypto';
import type { OutboundItem, RecipientState } from './state.ts';

export type DsnKind = 'failure' | 'delay';

export type DsnInput = Readonly<{
  kind: DsnKind;
  /** our host name: Reporting-MTA and the From address */
  hostname: string;
  item: OutboundItem;
  /** the recipients the report is about */
  recipients: readonly RecipientState[];
  /** the report's Date: the last failure, or when the warning became due */
  date: string;
  /** header section of the original message (text/rfc822-headers), CRLF line endings */
  originalHeaders: string;
}>;

/** RFC 5322 date-time in UTC. */
const rfc5322 = (iso: string) => new Date(iso).toUTCString().replace(/GMT$/, '+0000');

/** The enhanced status code (RFC 3463) of a reply, or one that fits the outcome. */
export function statusOf(r: Pick<RecipientState, 'status' | 'lastReply'>, kind: DsnKind): string {
  const found = /^\d{3}[ -]([245]\.\d{1,3}\.\d{1,3})\b/.exec(r.lastReply ?? '')?.[1];
  if (kind === 'delay') return found?.startsWith('4') ? found : '4.0.0';
  return found?.startsWith('5') ? found : '5.0.0';
}

/** One line of printable ASCII (a field value must not carry line breaks or 8-bit bytes). */
const oneLine = (s: string) => s.replace(/[\r\n]+/g, ' ').replace(/[^\x20-\x7e]/g, '?').slice(0, 900);

function recipientFields(r: RecipientState, input: DsnInput): string {
  const lines = [`Final-Recipient: rfc822; ${oneLine(r.address)}`, `Action: ${input.kind === 'failure' ? 'failed' : 'delayed'}`, `Status: ${statusOf(r, input.kind)}`];
  if (r.lastReply) lines.push(`Diagnostic-Code: smtp; ${oneLine(r.lastReply)}`);
  else if (r.lastReason) lines.push(`X-Postlog-Diagnostic: ${oneLine(r.lastReason)}`);
  if (r.finishedAt) lines.push(`Last-Attempt-Date: ${rfc5322(r.finishedAt)}`);
  return lines.join('\r\n');
}

function humanText(input: DsnInput): string {
  const list = input.recipients.map((r) => `  <${r.address}>: ${r.lastReason ?? r.lastReply ?? 'unknown reason'}`).join('\r\n');
  const intro =
    input.kind === 'failure'
      ? `This is the mail system at ${input.hostname}.\r\n\r\nYour message could not be delivered to the following recipients, and will not be tried again:`
      : `This is the mail system at ${input.hostname}.\r\n\r\nYour message has not been delivered yet to the following recipients. It is still being tried; you need do nothing:`;
  return `${intro}\r\n\r\n${list}\r\n`;
}

/** A stable id for this report: the same item, kind and recipients give the same id. */
export function dsnId(input: Pick<DsnInput, 'kind' | 'item' | 'recipients'>): string {
  const parts = [input.kind, input.item.queueId, ...input.recipients.map((r) => r.address)];
  return hash('sha256', parts.join('\0'), 'hex').slice(0, 24);
}

export function buildDsn(input: DsnInput): string {
  const { item, hostname, kind } = input;
  const id = dsnId(input);
  const boundary = `=_postlog-dsn-${id}`;
  const subject = kind === 'failure' ? 'Undelivered Mail Returned to Sender' : 'Delayed Mail (still being retried)';
  const headers = [
    `From: Mail Delivery System <MAILER-DAEMON@${hostname}>`,
    `To: <${oneLine(item.mailFrom)}>`,
    `Subject: ${subject}`,
    `Date: ${rfc5322(input.date)}`,
    `Message-ID: <dsn-${id}@${hostname}>`,
    'Auto-Submitted: auto-replied',
    'MIME-Version: 1.0',
    `Content-Type: multipart/report; report-type=delivery-status;\r\n\tboundary="${boundary}"`,
  ];
  const perMessage = [`Reporting-MTA: dns; ${hostname}`, `X-Postlog-Queue-ID: ${item.queueId}`, `Arrival-Date: ${rfc5322(item.queuedAt)}`].join('\r\n');
  const status = [perMessage, ...input.recipients.map((r) => recipientFields(r, input))].join('\r\n\r\n');
  return [
    headers.join('\r\n'),
    '',
    'This is a MIME-encapsulated message.',
    '',
    `--${boundary}`,
    'Content-Description: Notification',
    'Content-Type: text/plain; charset=us-ascii',
    '',
    humanText(input),
    `--${boundary}`,
    'Content-Description: Delivery report',
    'Content-Type: message/delivery-status',
    '',
    status,
    '',
    `--${boundary}`,
    'Content-Description: Undelivered Message Headers',
    'Content-Type: text/rfc822-headers',
    '',
    input.originalHeaders.replace(/(\r\n)*$/, ''),
    '',
    `--${boundary}--`,
    '',
  ].join('\r\n');
}
