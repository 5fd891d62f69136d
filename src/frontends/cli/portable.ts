// `postlog export --out FILE [--account A]` and `postlog import FILE`: the log and its blobs in a
// portable file (store/portable/format.ts), to move between machines and storage engines.
import type { Command } from 'commander';
import { accountStreams } from '../../domain/merge/portable.ts';
import { readStreams } from '../../domain/merge/merge-stores.ts';
import { importExport } from '../../store/portable/importer.ts';
import { writeExport } from '../../store/portable/writer.ts';
import { accountId, withRuntime } from './common.ts';
import { printJson, say } from './output.ts';

export function portableCommands(program: Command): void {
  program
    .command('export')
    .description('write the log (or one account of it) and the messages it references to a portable file')
    .requiredOption('--out <file>', 'the file to write')
    .option('--account <account>', "only this account's folders, mailboxes and directory entries")
    .option('--json', 'machine-readable output')
    .action(async (options: { out: string; account?: string; json?: boolean }, command: Command) => {
      await withRuntime(command, async (runtime) => {
        const all = await readStreams(runtime.storage.events);
        const account = options.account ? await accountId(runtime, options.account) : null;
        const streams = account ? accountStreams(all, account) : all;
        const now = new Date().toISOString();
        const written = await writeExport(options.out, { origin: runtime.origin, account, streams, blobs: runtime.storage.blobs, now });
        if (options.json) return printJson({ file: options.out, ...written });
        say(`wrote ${options.out}: ${written.events} events, ${written.blobs} blobs, ${written.bytes} bytes`);
      });
    });

  program
    .command('import')
    .description('add the events and messages of an export file to this store (importing twice changes nothing)')
    .argument('<file>', 'a file from postlog export')
    .option('--json', 'machine-readable output')
    .action(async (file: string, options: { json?: boolean }, command: Command) => {
      await withRuntime(command, async (runtime) => {
        const result = await importExport(file, runtime.storage);
        await runtime.runner.catchUp();
        if (options.json) return printJson(result);
        say(`${file}: ${result.events} events and ${result.blobs} blobs in the file; ${result.appended} events appended in ${result.streams} streams, ${result.blobsStored} blobs stored`);
        for (const c of result.conflicts) say(`conflict: ${c}`);
      });
    });
}
