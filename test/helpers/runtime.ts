// A runtime on a fresh temporary data directory, removed afterwards.
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { openRuntime, type Runtime } from '../../src/frontends/runtime.ts';
import { commandContext } from '../../src/frontends/context.ts';
import type { CommandContext } from '../../src/domain/event.ts';
import { receiveMessage } from '../../src/domain/message/intake.ts';
import { projectionDb } from '../../src/projections/projection.ts';

export function tempDir(prefix = 'postlog-test-'): { path: string; remove(): void } {
  const path = mkdtempSync(join(tmpdir(), prefix));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

export async function withTempRuntime<T>(
  run: (runtime: Runtime, dir: string) => Promise<T>,
  follow = true,
  options: Omit<NonNullable<Parameters<typeof openRuntime>[1]>, 'follow'> = {},
): Promise<T> {
  const dir = tempDir();
  const runtime = await openRuntime(dir.path, { ...options, follow });
  try {
    return await run(runtime, dir.path);
  } finally {
    await runtime.close();
    dir.remove();
  }
}

export function userContext(runtime: Runtime, id = 'tester'): CommandContext {
  return commandContext({ kind: 'user', id, protocol: 'test', address: '127.0.0.1' }, runtime.origin);
}

/** Every entry of every projection database, for comparing two builds of the same log. */
export function dumpProjections(runtime: Runtime): Record<string, unknown[]> {
  const out: Record<string, unknown[]> = {};
  for (const name of runtime.runner.names()) {
    const db = projectionDb(runtime.storage.root, { name });
    out[name] = [...db.getRange({})].map(({ key, value }) => [key, value]);
  }
  return out;
}

/** Resolves once the projections, the deferred ones too, have applied everything in the log so far. */
export async function settled(runtime: Runtime): Promise<void> {
  await runtime.runner.settle(await runtime.storage.events.headPosition());
}

export function adminContext(runtime: Runtime): CommandContext {
  return commandContext({ kind: 'admin', id: 'test', protocol: 'cli' }, runtime.origin);
}

/** A user with a password (its domain added when new), visible to the read models on return. */
export async function addTestUser(runtime: Runtime, address: string, password: string): Promise<string> {
  const domain = address.split('@')[1]!;
  if (!(await runtime.directoryService.domains()).includes(domain)) await runtime.directoryService.addDomain(domain, adminContext(runtime));
  const accountId = await runtime.directoryService.addUser(address, adminContext(runtime), { password });
  await settled(runtime);
  return accountId;
}

/** Local delivery of raw bytes into the account's INBOX, visible to the read models on return. */
export async function deliverRaw(runtime: Runtime, accountId: string, raw: string | Buffer): Promise<{ uid: number; emailId: string }> {
  const received = await receiveMessage(runtime.storage.blobs, Readable.from([Buffer.from(raw)]));
  const ctx = adminContext(runtime);
  const source = { kind: 'delivery', mailFrom: 'sender@example.net', rcptTo: 'local', clientAddress: 'local', transactionId: randomUUID() } as const;
  const appended = await runtime.mail.deliver(accountId, { ...received, internalDate: ctx.now, flags: [], source }, ctx);
  await settled(runtime);
  return { uid: appended.uids[0]!, emailId: appended.emailIds[0]! };
}
