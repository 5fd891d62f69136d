// A runtime on a fresh temporary data directory, removed afterwards.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openRuntime, type Runtime } from '../../src/frontends/runtime.ts';
import { commandContext } from '../../src/frontends/context.ts';
import type { CommandContext } from '../../src/domain/event.ts';

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
    const db = runtime.storage.root.openDB(`projection:${name}`, {});
    out[name] = [...db.getRange({})].map(({ key, value }) => [key, value]);
  }
  return out;
}

/** Resolves once the projections have applied everything in the log so far. */
export async function settled(runtime: Runtime): Promise<void> {
  await runtime.runner.waitFor(await runtime.storage.events.headPosition());
}
