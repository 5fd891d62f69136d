// The relay under test: a runtime on a temporary directory with alice@example.test, a local
// DNS server for the "remote" domains, a worker whose clock the test moves, and helpers to
// queue a message, read an item's history and the sender's INBOX.
import { Readable } from 'node:stream';
import pino from 'pino';
import { v7 as uuidv7 } from 'uuid';
import { openRuntime, type Runtime } from '../../src/frontends/runtime.ts';
import { loadConfig, type Config } from '../../src/frontends/config.ts';
import { receiveMessage } from '../../src/domain/message/intake.ts';
import { outboundDecider } from '../../src/domain/outbound/decider.ts';
import { outboundStream, type OutboundEvent } from '../../src/domain/outbound/events.ts';
import { relaySettings } from '../../src/frontends/relay/settings.ts';
import { RelayWorker } from '../../src/frontends/relay/worker.ts';
import { addTestUser, adminContext, settled, tempDir } from '../helpers/runtime.ts';
import { inboxOf, type Stored } from '../smtp/harness.ts';
import { startDnsServer, type DnsServer, type Zone } from './dns-server.ts';

export const ALICE = 'alice@example.test';


export type RelayHarness = {
  runtime: Runtime;
  config: Config;
  dns: DnsServer;
  worker: RelayWorker;
  /** real time plus however far the test moved it */
  clock: { readonly now: number; advanceMinutes(m: number): void };
  queue(options: { from?: string; to: readonly string[]; subject?: string }): Promise<string>;
  history(queueId: string): Promise<OutboundEvent[]>;
  inbox(address?: string): Promise<Stored[]>;
  /** one look at the queue by the worker, and everything it set off */
  scan(): Promise<void>;
  stop(): Promise<void>;
};

/** The message as SMTP would have stored it: our Return-Path and Received in front. */
export function storedMessage(from: string, subject: string, id: string): { raw: string; start: number } {
  const returnPath = `Return-Path: <${from}>\r\n`;
  const raw =
    returnPath +
    `Received: from client (127.0.0.1) by mx.example.test (postlog) with ESMTPSA id ${id};\r\n\tTue, 19 May 2026 10:00:00 +0000\r\n` +
    `From: <${from || 'mailer-daemon@example.test'}>\r\nSubject: ${subject}\r\nMessage-ID: <${id}@example.test>\r\n\r\nhello from ${id}\r\n.dot-stuffed line\r\n`;
  return { raw, start: Buffer.byteLength(returnPath) };
}

export async function queueMessage(runtime: Runtime, options: { from?: string; to: readonly string[]; subject?: string }): Promise<string> {
  const queueId = uuidv7();
  const from = options.from ?? ALICE;
  const { raw, start } = storedMessage(from, options.subject ?? `test ${queueId}`, queueId);
  const stored = await receiveMessage(runtime.storage.blobs, Readable.from([Buffer.from(raw)]));
  const command = {
    type: 'queue', queueId, blobId: stored.blobId, start, size: stored.size, mailFrom: from, recipients: options.to,
    clientAddress: '127.0.0.1', transactionId: queueId, contentHash: stored.blobId,
  } as const;
  await runtime.handler.handle(outboundStream(queueId), outboundDecider, command, adminContext(runtime));
  await settled(runtime);
  return queueId;
}

export async function historyOf(runtime: Runtime, queueId: string): Promise<OutboundEvent[]> {
  return (await runtime.storage.events.readStream(outboundStream(queueId))).map((r) => r.event as OutboundEvent);
}

export async function startRelayHarness(zones: Readonly<Record<string, Zone>>, relay: Partial<Config['relay']> = {}): Promise<RelayHarness> {
  const dir = tempDir('postlog-relay-');
  const dns = await startDnsServer(zones);
  const base = loadConfig(undefined, { POSTLOG_DOMAINS: 'example.test', POSTLOG_HOSTNAME: 'mx.example.test', POSTLOG_DNS_SERVERS: dns.address });
  const config: Config = { ...base, relay: { ...base.relay, connectTimeout: 2, commandTimeout: 2, ...relay } };
  const logger = pino({ level: process.env.RELAY_TEST_LOG ?? 'silent' });
  const runtime = await openRuntime(dir.path, { follow: true, config, logger });
  await addTestUser(runtime, ALICE, 'password');
  let offset = 0;
  const clock = {
    get now() {
      return Date.now() + offset;
    },
    advanceMinutes(m: number) {
      offset += m * 60_000;
    },
  };
  const worker = new RelayWorker(runtime, relaySettings(config, () => clock.now), logger.child({ proto: 'relay' }));
  return {
    runtime,
    config,
    dns,
    worker,
    clock,
    queue: (options) => queueMessage(runtime, options),
    history: (queueId) => historyOf(runtime, queueId),
    inbox: (address = ALICE) => inboxOf(runtime, address),
    async scan() {
      await worker.scan();
      await settled(runtime);
    },
    async stop() {
      await worker.stop();
      await runtime.close();
      await dns.close();
      dir.remove();
    },
  };
}

/** The remote domains the tests use, all pointing at 127.0.0.1. */
export function zonesFor(...domains: string[]): Record<string, Zone> {
  const zones: Record<string, Zone> = {};
  for (const d of domains) {
    zones[d] = { mx: [{ priority: 10, exchange: `mx.${d}` }] };
    zones[`mx.${d}`] = { a: ['127.0.0.1'] };
  }
  return zones;
}
