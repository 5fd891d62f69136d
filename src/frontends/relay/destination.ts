// Delivers the jobs waiting for one destination (a recipient domain, or the smarthost): finds
// its hosts, opens up to maxConnectionsPerDestination connections (each within the relay's
// overall limit), and sends job after job over each connection before closing it.
import { isIP } from 'node:net';
import type { Readable } from 'node:stream';
import type { Logger } from 'pino';
import type { AttemptResult } from '../../domain/outbound/decider.ts';
import type { RecipientOutcome } from './remote.ts';
import { RemoteError, RemoteSession } from './remote.ts';
import { RouteError, type Destination, type Routes } from './routes.ts';
import type { RelaySettings } from './settings.ts';

/** One queue item's recipients at one domain: one SMTP transaction. */
export type Job = Readonly<{
  queueId: string;
  domain: string;
  addresses: readonly string[];
  mailFrom: string;
  /** the stored message, sent from byte `start` on */
  blobId: string;
  start: number;
  size: number;
}>;

/** What a destination needs of the worker: record an attempt, send its bytes, record its results. */
export interface Attempts {
  /** records the attempt's start; resolves with the recipients still waiting (none: skip) */
  start(job: Job): Promise<{ attemptId: string; addresses: readonly string[] } | undefined>;
  finish(job: Job, attemptId: string, results: readonly AttemptResult[]): Promise<void>;
  message(job: Job): Readable;
}

/** Counts connections open across every destination. */
export class Semaphore {
  private waiting: (() => void)[] = [];
  private used = 0;
  constructor(private readonly limit: number) {}

  async acquire(): Promise<void> {
    if (this.used < this.limit) {
      this.used++;
      return;
    }
    await new Promise<void>((resolve) => this.waiting.push(resolve));
  }

  /** nothing held, nobody waiting */
  get idle(): boolean {
    return this.used === 0 && !this.waiting.length;
  }

  release(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.used--;
  }
}

const failAll = (addresses: readonly string[], outcome: 'deferred' | 'failed', reason: string, host?: string): AttemptResult[] =>
  addresses.map((address) => ({ address, outcome, reason, ...(host !== undefined && { host }) }));

export class DestinationDelivery {
  private readonly queue: Job[];

  constructor(
    private readonly key: string,
    jobs: readonly Job[],
    private readonly settings: RelaySettings,
    private readonly routes: Routes,
    /** connections open in all, and to this destination (both shared by every scan) */
    private readonly connections: Semaphore,
    private readonly toDestination: Semaphore,
    private readonly attempts: Attempts,
    private readonly logger: Logger,
  ) {
    this.queue = [...jobs];
  }

  async run(): Promise<void> {
    let route: Destination[];
    try {
      route = await this.routes.lookup(this.key);
    } catch (error) {
      if (!(error instanceof RouteError)) throw error;
      this.logger.info({ reason: error.message, permanent: error.permanent }, 'no route');
      await this.giveBack(error.permanent ? 'failed' : 'deferred', error.message);
      return;
    }
    const slots = Math.min(this.settings.maxConnectionsPerDestination, this.queue.length);
    await Promise.all(Array.from({ length: slots }, () => this.connection(route)));
  }

  /** One connection at a time from this slot, until no job is left (the queue may be empty by
   * the time the limits let it open one: another slot took the jobs). */
  private async connection(route: readonly Destination[]): Promise<void> {
    while (this.queue.length) {
      await this.toDestination.acquire();
      await this.connections.acquire();
      try {
        if (!this.queue.length) return;
        let session: RemoteSession;
        try {
          session = await this.open(route);
        } catch (error) {
          if (!(error instanceof RemoteError)) throw error;
          this.logger.info({ reason: error.message }, 'could not connect');
          await this.giveBack('deferred', error.message);
          return;
        }
        try {
          for (let sent = 0; this.queue.length && session.usable && sent < this.settings.maxMessagesPerConnection; sent++) {
            await this.send(session, this.queue.shift()!);
          }
        } finally {
          session.close();
        }
      } finally {
        this.connections.release();
        this.toDestination.release();
      }
    }
  }

  /** Tries each host, and each of its addresses, in order; the first that answers is used. */
  private async open(route: readonly Destination[]): Promise<RemoteSession> {
    const smarthost = !!this.settings.routes.smarthost;
    const requireTls = smarthost ? !!this.settings.smarthostAuth : this.settings.requireTls.has(this.key.toLowerCase());
    let last: RemoteError | undefined;
    for (const host of route) {
      for (const address of host.addresses.length ? host.addresses : [host.name]) {
        try {
          return await RemoteSession.open({
            host: address,
            port: host.port,
            ...(!isIP(host.name) && { servername: host.name }),
            hostname: this.settings.hostname,
            requireTls,
            verifyCertificate: smarthost && this.settings.smarthostVerifyCertificate,
            ...(smarthost && this.settings.smarthostAuth && { auth: this.settings.smarthostAuth }),
            connectTimeout: this.settings.connectTimeout,
            commandTimeout: this.settings.commandTimeout,
            logger: this.logger.child({ host: host.name, address }),
          });
        } catch (error) {
          if (!(error instanceof RemoteError)) throw error;
          last = new RemoteError(`${host.name} [${address}]:${host.port}: ${error.message}`, error.reply);
        }
      }
    }
    throw last ?? new RemoteError(`no host to try for ${this.key}`);
  }

  private async send(session: RemoteSession, job: Job): Promise<void> {
    const started = await this.attempts.start(job);
    if (!started) return;
    const { attemptId, addresses } = started;
    const log = this.logger.child({ queueId: job.queueId, attemptId });
    let outcomes: readonly (RecipientOutcome | AttemptResult)[];
    if (this.settings.requireTls.has(job.domain) && !session.secure) {
      outcomes = failAll(addresses, 'deferred', `TLS is required for ${job.domain} and ${session.host} did not offer STARTTLS`);
    } else {
      outcomes = await session.send(job.mailFrom, addresses, this.attempts.message(job), job.size - job.start);
    }
    log.info({ secure: session.secure, outcomes: outcomes.map((o) => `${o.address}: ${o.outcome}`) }, 'attempt finished');
    await this.attempts.finish(job, attemptId, outcomes.map((o) => ({ ...o, host: session.host })));
  }

  /** Every job not sent yet gets this result, as an attempt of its own in the history. */
  private async giveBack(outcome: 'deferred' | 'failed', reason: string): Promise<void> {
    while (this.queue.length) {
      const job = this.queue.shift()!;
      const started = await this.attempts.start(job);
      if (started) await this.attempts.finish(job, started.attemptId, failAll(started.addresses, outcome, reason));
    }
  }
}
