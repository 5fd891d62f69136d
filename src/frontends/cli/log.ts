// `postlog log` and `postlog rebuild`: the raw event log, and replaying it into the projections.
import { type Command, InvalidArgumentError } from 'commander';
import { withRuntime } from './common.ts';
import { say } from './output.ts';
import { progress } from './progress.ts';
import type { RecordedEvent } from '../../store/event-store.ts';

function line(r: RecordedEvent): string {
  const { type, data, meta } = r.event;
  const brief = JSON.stringify(data, (k, v) => (k === 'summary' ? undefined : v));
  return `${String(r.position).padStart(8)}  ${meta.at}  ${r.stream}@${r.revision}  ${type}  ${brief}`;
}

export function logCommands(program: Command): void {
  program
    .command('log')
    .description('print events from the log (all, or one stream)')
    .option('--stream <stream>', 'only this stream, e.g. account-<id> or mailbox-<id>')
    .option('--from <position>', 'first global position (or stream revision with --stream)', (v) => parseNonNegative(v, '--from'))
    .option('--limit <n>', 'at most this many events', (v) => parseNonNegative(v, '--limit'))
    .option('--json', 'one JSON object per line')
    .action(async (options: { stream?: string; from?: number; limit?: number; json?: boolean }, command: Command) => {
      await withRuntime(command, async (runtime) => {
        const { events } = runtime.storage;
        const limit = options.limit ?? Infinity;
        const PAGE = 1000;
        let printed = 0;
        let from = options.from ?? (options.stream ? 0 : 1);
        while (printed < limit) {
          const want = Math.min(PAGE, limit - printed);
          const page = options.stream
            ? await events.readStream(options.stream, { from, limit: want })
            : await events.readAll({ from, limit: want });
          for (const r of page) say(options.json ? JSON.stringify(r) : line(r));
          printed += page.length;
          if (page.length < want) break;
          const last = page.at(-1)!;
          from = (options.stream ? last.revision : last.position) + 1;
        }
      });
    });

  program
    .command('rebuild')
    .description('drop projections and replay the whole log into them')
    .option('--projection <name...>', 'only these projections (default: all)')
    .action(async (options: { projection?: string[] }, command: Command) => {
      await withRuntime(command, async (runtime) => {
        const started = performance.now();
        const shown = progress('rebuild', await runtime.storage.events.headPosition());
        const position = await runtime.runner.rebuild(options.projection, (p) => shown.update(p));
        shown.done();
        const seconds = (performance.now() - started) / 1000;
        const names = options.projection?.join(', ') ?? runtime.runner.names().join(', ');
        say(`rebuilt ${names} up to position ${position} in ${seconds.toFixed(2)} s`);
      }, { catchUp: false });
    });
}

export function parseNonNegative(value: string, name: string): number {
  if (!/^\d+$/.test(value)) throw new InvalidArgumentError(`${name} takes a whole number, not "${value}"`);
  return Number(value);
}
