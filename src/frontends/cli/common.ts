// What every CLI command shares: global options, opening the runtime, resolving an account.
import type { Command } from 'commander';
import { resolve } from 'node:path';
import pino, { type Logger } from 'pino';
import { loadConfig, type Config } from '../config.ts';
import { openRuntime, type Runtime } from '../runtime.ts';
import { commandContext } from '../context.ts';
import { refuse } from '../../domain/decider.ts';
import type { CommandContext } from '../../domain/event.ts';

export type GlobalOptions = { data: string; config?: string };

export function globals(command: Command): GlobalOptions {
  return command.optsWithGlobals() as GlobalOptions;
}

export function settings(command: Command): { dataDir: string; config: Config } {
  const { data, config } = globals(command);
  return { dataDir: resolve(data), config: loadConfig(config) };
}

/** Logs to stderr, so command output on stdout stays clean for tools. */
export function cliLogger(config: Config): Logger {
  return pino({ level: config.log.level === 'info' ? 'warn' : config.log.level }, pino.destination(2));
}

export async function withRuntime<T>(
  command: Command,
  run: (runtime: Runtime, config: Config) => Promise<T>,
  options: { until?: number; catchUp?: boolean } = {},
): Promise<T> {
  const { dataDir, config } = settings(command);
  const runtime = await openRuntime(dataDir, { logger: cliLogger(config), until: options.until, config, catchUp: options.catchUp });
  try {
    return await run(runtime, config);
  } finally {
    await runtime.close();
  }
}

export function adminContext(runtime: Runtime, what: string): CommandContext {
  return commandContext({ kind: 'admin', id: process.env.USER ?? 'admin', protocol: 'cli', address: what }, runtime.origin);
}

/** An account named by address (or by id). */
export async function accountId(runtime: Runtime, ref: string): Promise<string> {
  if (ref.includes('@')) {
    const id = await runtime.mail.accountOf(ref);
    if (!id) refuse('NotFound', `no account has the address ${ref}`);
    return id;
  }
  if (!runtime.accounts.address(ref)) refuse('NotFound', `no account ${ref}`);
  return ref;
}
