// One mail transaction after DATA: the message streamed into the blob store, then one delivery
// event per recipient mailbox and one outbound queue item for the remote recipients, all
// awaited (each append resolves once durable) before the caller may answer `250`. The blob's
// last write is held for those appends and made in their commit (see held-seals.ts), so a
// message costs one commit, not two. A failure part-way leaves what was stored recorded in the
// resend index, so the client's retry delivers the rest and nothing twice.
import { newId } from '../ids.ts';
import type { Actor, CommandContext } from '../../domain/event.ts';
import type { NewMessage } from '../../domain/mailbox/decider.ts';
import type { MessageSource } from '../../domain/mailbox/events.ts';
import { receiveMessage, type Received } from '../../domain/message/intake.ts';
import { outboundDecider } from '../../domain/outbound/decider.ts';
import { outboundStream } from '../../domain/outbound/events.ts';
import { OUTBOUND, type ResendKey } from '../../projections/resend-index.ts';
import { commandContext } from '../context.ts';
import type { Runtime } from '../runtime.ts';
import type { ResendGuard } from './dedup.ts';
import { ClientMessage } from './intake.ts';
import type { Target } from './policy.ts';
import { traceHeaders, type Trace } from './trace.ts';

export type Transaction = Readonly<{
  transactionId: string;
  mailFrom: string;
  targets: readonly Target[];
  clientAddress: string;
  actor: Actor;
  trace: Omit<Trace, 'mailFrom' | 'transactionId' | 'recipient' | 'date'>;
}>;

export type Outcome = Readonly<{
  blobId: string;
  size: number;
  /** accounts the message was delivered to now */
  delivered: number;
  /** remote recipients queued now */
  queued: number;
  /** recipients skipped as a resend of a message already delivered */
  resent: number;
}>;

type Plan = { key: ResendKey; kind: 'local' | 'remote' };

/** One delivery per account (the first recipient that reaches it names it), one per remote address. */
function plan(targets: readonly Target[], contentHash: string, mailFrom: string): Plan[] {
  const seen = new Set<string>();
  const out: Plan[] = [];
  for (const t of targets) {
    const destinations = t.kind === 'local' ? t.accountIds : [OUTBOUND + ':' + t.rcptTo];
    for (const d of destinations) {
      if (seen.has(d)) continue;
      seen.add(d);
      const destination = t.kind === 'local' ? d : OUTBOUND;
      out.push({ key: { contentHash, mailFrom, rcptTo: t.rcptTo, destination }, kind: t.kind });
    }
  }
  return out;
}

export class Deliverer {
  constructor(
    private readonly runtime: Runtime,
    private readonly guard: ResendGuard,
    private readonly maxSize: number,
  ) {}

  async receive(data: AsyncIterable<Uint8Array>, tx: Transaction): Promise<Outcome> {
    const ctx = commandContext(tx.actor, this.runtime.origin);
    const single = tx.targets.length === 1 ? tx.targets[0]!.rcptTo : undefined;
    const { mailFrom, transactionId } = tx;
    const trace = traceHeaders({ ...tx.trace, mailFrom, transactionId, date: new Date(ctx.now), ...(single && { recipient: single }) });
    const client = new ClientMessage(this.maxSize, trace.returnPath + trace.received);
    const { durable, ...stored } = await receiveMessage(this.runtime.storage.blobs, client.stored(data), { deferred: true });
    let outcome: Outcome;
    try {
      outcome = await this.deliver(stored, client.contentHash, Buffer.byteLength(trace.returnPath), tx, ctx);
    } catch (error) {
      await durable().catch(() => {});
      throw error;
    }
    // The appends wrote the blob in their commit; a resend appends nothing, and the blob must
    // still be on disk before `250`.
    await durable();
    return outcome;
  }

  private async deliver(stored: Received, contentHash: string, start: number, tx: Transaction, ctx: CommandContext): Promise<Outcome> {
    const { transactionId, mailFrom, targets, clientAddress } = tx;
    const lease = await this.guard.acquire(plan(targets, contentHash, mailFrom).map((p) => p.key), ctx.now);
    let position = 0;
    try {
      const local = lease.fresh.filter((k) => k.destination !== OUTBOUND);
      const remote = lease.fresh.filter((k) => k.destination === OUTBOUND).map((k) => k.rcptTo);
      const source = (rcptTo: string): MessageSource => ({ kind: 'delivery', mailFrom, rcptTo, clientAddress, transactionId, contentHash });
      const message = (rcptTo: string): NewMessage => ({ ...stored, internalDate: ctx.now, flags: [], source: source(rcptTo) });
      const appends: Promise<{ position: number }>[] = local.map((k) =>
        this.runtime.mail.deliver(k.destination, message(k.rcptTo), ctx, { blobsDeferred: true }),
      );
      if (remote.length) {
        const queueId = newId();
        const command = {
          type: 'queue', queueId, blobId: stored.blobId, start, size: stored.size,
          mailFrom, recipients: remote, clientAddress, transactionId, contentHash,
        } as const;
        appends.push(this.runtime.handler.handle(outboundStream(queueId), outboundDecider, command, ctx, { blobs: [stored.blobId] }));
      }
      const results = await Promise.allSettled(appends);
      for (const r of results) if (r.status === 'fulfilled') position = Math.max(position, r.value.position);
      const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
      if (failed) throw failed.reason;
      return { blobId: stored.blobId, size: stored.size, delivered: local.length, queued: remote.length, resent: lease.resent.length };
    } finally {
      lease.release(position);
    }
  }
}
