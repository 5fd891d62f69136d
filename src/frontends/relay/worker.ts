// The delivery worker: looks at the queue projection for what is due, reads each item's state
// from its stream (the truth), groups the recipients by destination and hands them to
// DestinationDelivery; then sends the reports a result calls for (bounce, delay warning).
// An attempt is recorded before a byte is sent, so one a crash cut short shows in the history
// and is simply due again after a restart.
import { Readable } from 'node:stream';
import type { Logger } from 'pino';
import { newId } from '../ids.ts';
import type { CommandContext } from '../../domain/event.ts';
import { outboundDecider, type AttemptResult, type OutboundCommand } from '../../domain/outbound/decider.ts';
import { outboundStream, type OutboundEvent } from '../../domain/outbound/events.ts';
import { unbounced, type OutboundItem } from '../../domain/outbound/state.ts';
import type { Runtime } from '../runtime.ts';
import { DestinationDelivery, Semaphore, type Attempts, type Job } from './destination.ts';
import { Reporter } from './reports.ts';
import { Routes } from './routes.ts';
import type { RelaySettings } from './settings.ts';

const NUDGED_BY = new Set(['OutboundQueued', 'OutboundRetryRequested']);

/** The message as the remote gets it: the stored bytes from `start` on (without our Return-Path). */
async function* bytesFrom(source: AsyncIterable<Uint8Array>, start: number): AsyncGenerator<Buffer> {
  let skip = start;
  for await (const chunk of source) {
    const buf = Buffer.from(chunk);
    if (skip >= buf.length) {
      skip -= buf.length;
      continue;
    }
    yield skip ? buf.subarray(skip) : buf;
    skip = 0;
  }
}

export class RelayWorker {
  private readonly routes: Routes;
  private readonly connections: Semaphore;
  private readonly perDestination = new Map<string, Semaphore>();
  private readonly reporter: Reporter;
  /** items being worked on now: not picked up again until their results are in the projection */
  private readonly busy = new Set<string>();
  private readonly running = new Set<Promise<void>>();
  private timer: NodeJS.Timeout | undefined;
  private stopped = true;
  private readonly onApplied = (batch: readonly { event: { type: string } }[]) => {
    if (batch.some((r) => NUDGED_BY.has(r.event.type))) this.schedule(0);
  };

  constructor(
    private readonly runtime: Runtime,
    private readonly settings: RelaySettings,
    private readonly logger: Logger,
  ) {
    this.routes = new Routes(settings.routes);
    this.connections = new Semaphore(settings.maxConnections);
    this.reporter = new Reporter(runtime, settings.hostname, logger);
  }

  /** Follows the queue: due items now, then whenever something is queued or falls due. */
  start(): void {
    this.stopped = false;
    this.runtime.runner.on('applied', this.onApplied);
    this.schedule(0);
  }

  /** Stops looking at the queue and waits for the deliveries under way. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    this.runtime.runner.off('applied', this.onApplied);
    while (this.running.size) await Promise.allSettled([...this.running]);
  }

  /** Works on everything due now (by the settings' clock); resolves once that work is done. */
  async scan(): Promise<void> {
    const now = new Date(this.settings.clock()).toISOString();
    const ids = [...new Set([...this.runtime.outbound.due(now), ...this.warningsDue(now)])].filter((id) => !this.busy.has(id));
    if (!ids.length) return;
    for (const id of ids) this.busy.add(id);
    const work = this.work(ids, now);
    this.running.add(work);
    try {
      await work;
    } finally {
      this.running.delete(work);
    }
  }

  private schedule(delay: number): void {
    if (this.stopped) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      // scan() marks its items busy before its first await, so the next look (for what falls
      // due meanwhile) does not wait for a slow destination to finish
      this.scan()
        .catch((err) => this.logger.error({ err }, 'queue scan failed'))
        .finally(() => this.schedule(this.untilNextDue()));
      this.schedule(this.untilNextDue());
    }, delay);
    this.timer.unref();
  }

  /** When an item waiting for its next attempt owes its sender a delay warning. */
  private warnAt(item: OutboundItem): string | undefined {
    if (item.mailFrom === '' || !item.recipients.some((r) => r.status === 'pending' && !r.warned && r.attempts > 0)) return undefined;
    return new Date(Date.parse(item.queuedAt) + this.settings.warnAfterHours * 3600_000).toISOString();
  }

  /** Items whose warning is due before their next attempt is (the queue index knows only attempts). */
  private warningsDue(now: string): string[] {
    return this.runtime.outbound
      .active()
      .filter(({ item }) => (this.warnAt(item) ?? now + '~') <= now)
      .map(({ item }) => item.queueId);
  }

  private untilNextDue(): number {
    const times = this.runtime.outbound
      .active()
      .filter((a) => !this.busy.has(a.item.queueId))
      .flatMap((a) => {
        const warnAt = this.warnAt(a.item);
        return warnAt === undefined ? [a.dueAt] : [a.dueAt, warnAt];
      });
    const next = times.sort()[0];
    const wait = next === undefined ? this.settings.pollInterval : Date.parse(next) - this.settings.clock();
    // not less than a moment: something due that a scan could not finish is not retried in a spin
    return Math.min(Math.max(wait, 250), this.settings.pollInterval);
  }

  private async work(ids: readonly string[], now: string): Promise<void> {
    const items = new Map<string, OutboundItem>();
    const jobs = new Map<string, Job[]>();
    for (const id of ids) {
      const item = await this.runtime.handler.query(outboundStream(id), outboundDecider, (s) => s.item && structuredClone(s.item));
      if (!item || item.deleted) {
        this.busy.delete(id);
        continue;
      }
      items.set(id, item);
      const byDomain = new Map<string, string[]>();
      for (const r of item.recipients) {
        if (r.status !== 'pending' || r.nextAttemptAt > now) continue;
        byDomain.set(r.domain, [...(byDomain.get(r.domain) ?? []), r.address]);
      }
      for (const [domain, addresses] of byDomain) {
        const key = this.settings.routes.smarthost ? 'smarthost' : domain;
        jobs.set(key, [...(jobs.get(key) ?? []), { queueId: id, domain, addresses, mailFrom: item.mailFrom, blobId: item.blobId, start: item.start, size: item.size }]);
      }
    }
    const positions = new Map<string, number>();
    const attempts = this.attempts(positions);
    await Promise.all(
      [...jobs].map(([key, list]) => {
        const log = this.logger.child({ destination: key });
        let limit = this.perDestination.get(key);
        if (!limit) this.perDestination.set(key, (limit = new Semaphore(this.settings.maxConnectionsPerDestination)));
        return new DestinationDelivery(key, list, this.settings, this.routes, this.connections, limit, attempts, log)
          .run()
          .catch((err) => log.error({ err }, 'delivery to this destination failed'))
          .finally(() => limit.idle && this.perDestination.delete(key));
      }),
    );
    await Promise.all(
      [...items.keys()].map(async (id) => {
        try {
          await this.report(id, positions);
          await this.runtime.runner.waitFor(positions.get(id) ?? 0);
        } catch (err) {
          this.logger.error({ err, queueId: id }, 'could not finish a queue item');
        } finally {
          this.busy.delete(id);
        }
      }),
    );
  }

  private context(): CommandContext {
    return { now: new Date(this.settings.clock()).toISOString(), actor: { kind: 'system', id: 'relay', protocol: 'smtp' }, origin: this.runtime.origin, newId };
  }

  private async record(queueId: string, command: OutboundCommand, positions: Map<string, number>): Promise<readonly OutboundEvent[]> {
    const { events, position } = await this.runtime.handler.handle(outboundStream(queueId), outboundDecider, command, this.context());
    positions.set(queueId, Math.max(positions.get(queueId) ?? 0, position));
    return events;
  }

  private attempts(positions: Map<string, number>): Attempts {
    const blobs = this.runtime.storage.blobs;
    return {
      start: async (job) => {
        const attemptId = newId();
        const [event] = await this.record(job.queueId, { type: 'startAttempt', queueId: job.queueId, attemptId, domain: job.domain, addresses: job.addresses }, positions);
        return event?.type === 'DeliveryAttemptStarted' ? { attemptId, addresses: event.data.addresses } : undefined;
      },
      finish: async (job, attemptId, results: readonly AttemptResult[]) => {
        await this.record(job.queueId, { type: 'recordResults', queueId: job.queueId, attemptId, results, policy: this.settings.policy }, positions);
      },
      message: (job) => Readable.from(bytesFrom(blobs.get(job.blobId), job.start)),
    };
  }

  /** Bounce for recipients that failed; a delay warning once an item has waited warnAfterHours. */
  private async report(queueId: string, positions: Map<string, number>): Promise<void> {
    const item = await this.runtime.handler.query(outboundStream(queueId), outboundDecider, (s) => s.item && structuredClone(s.item));
    if (!item || item.mailFrom === '') return;
    const ctx = this.context();
    const failed = unbounced(item);
    if (failed.length) {
      const date = failed.map((r) => r.finishedAt!).sort().at(-1)!;
      const report = await this.reporter.send('failure', item, failed, date, ctx);
      await this.record(queueId, { type: 'bounce', ...report }, positions);
    }
    const warnAt = this.warnAt(item);
    if (warnAt !== undefined && ctx.now >= warnAt) {
      const waiting = item.recipients.filter((r) => r.status === 'pending' && !r.warned && r.attempts > 0);
      const report = await this.reporter.send('delay', item, waiting, warnAt, ctx);
      await this.record(queueId, { type: 'warn', ...report }, positions);
    }
  }
}
