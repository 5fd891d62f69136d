// Sends delivery status notifications to the sender of a queue item: into the local mailbox
// when the sender is ours (runtime.mail.deliver), else as a new queue item from the null
// sender. A report built again after a crash has the same bytes and id, so it is recognised
// (resend index, or the queue item that already exists) and not delivered twice.
import { Readable } from 'node:stream';
import type { Logger } from 'pino';
import { DomainError } from '../../domain/decider.ts';
import type { CommandContext } from '../../domain/event.ts';
import { receiveMessage } from '../../domain/message/intake.ts';
import { outboundDecider } from '../../domain/outbound/decider.ts';
import { buildDsn, dsnId, type DsnKind } from '../../domain/outbound/dsn.ts';
import { outboundStream, type Report } from '../../domain/outbound/events.ts';
import type { OutboundItem, RecipientState } from '../../domain/outbound/state.ts';
import type { Runtime } from '../runtime.ts';

/** The largest header section quoted back in a report. */
const HEADER_LIMIT = 64 * 1024;

async function originalHeaders(runtime: Runtime, item: OutboundItem): Promise<string> {
  const end = Math.min(item.size, item.start + HEADER_LIMIT);
  const head = (await runtime.storage.blobs.getRange(item.blobId, item.start, end)).toString('latin1');
  const blank = head.indexOf('\r\n\r\n');
  return blank < 0 ? head : head.slice(0, blank + 2);
}

export class Reporter {
  constructor(
    private readonly runtime: Runtime,
    private readonly hostname: string,
    private readonly logger: Logger,
  ) {}

  /**
   * Builds the report on `recipients` and sends it to the item's sender; returns where it went,
   * for the BounceGenerated / DelayWarningSent event. Never for the null sender.
   */
  async send(kind: DsnKind, item: OutboundItem, recipients: readonly RecipientState[], date: string, ctx: CommandContext): Promise<Report> {
    const id = dsnId({ kind, item, recipients });
    // stored as SMTP stores mail: Return-Path first (here the null sender), skipped when relayed
    const returnPath = 'Return-Path: <>\r\n';
    const dsn = buildDsn({ kind, hostname: this.hostname, item, recipients, date, originalHeaders: await originalHeaders(this.runtime, item) });
    const raw = Buffer.from(returnPath + dsn);
    const stored = await receiveMessage(this.runtime.storage.blobs, Readable.from([raw]));
    const contentHash = stored.blobId;
    const report = { queueId: item.queueId, addresses: recipients.map((r) => r.address), to: item.mailFrom, blobId: stored.blobId };
    const target = await this.runtime.recipients.resolve(item.mailFrom);
    if (target.kind === 'local') {
      for (const accountId of target.accountIds) {
        const key = { contentHash, mailFrom: '', rcptTo: item.mailFrom, destination: accountId };
        if (this.runtime.resends.delivered(key)) continue;
        const source = { kind: 'delivery', mailFrom: '', rcptTo: item.mailFrom, clientAddress: 'local', transactionId: `dsn-${id}`, contentHash } as const;
        await this.runtime.mail.deliver(accountId, { ...stored, internalDate: ctx.now, flags: [], source }, ctx);
      }
      return { ...report, delivery: 'local' };
    }
    if (target.kind === 'unknown') {
      this.logger.warn({ queueId: item.queueId, sender: item.mailFrom, kind }, 'delivery report dropped: the sender is not a local address any more');
      return { ...report, delivery: 'dropped' };
    }
    const queueId = `dsn-${id}`;
    const command = {
      type: 'queue', queueId, blobId: stored.blobId, start: returnPath.length, size: stored.size, mailFrom: '', recipients: [item.mailFrom],
      clientAddress: 'local', transactionId: queueId, contentHash,
    } as const;
    try {
      await this.runtime.handler.handle(outboundStream(queueId), outboundDecider, command, ctx);
    } catch (error) {
      // queued before a crash kept us from recording it: the report is on its way already
      if (!(error instanceof DomainError && error.code === 'AlreadyExists')) throw error;
    }
    return { ...report, delivery: 'queued' };
  }
}
