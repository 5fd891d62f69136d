// `postlog merge --from <data dir | export file> [--dry-run] [--json]`: reconciles another
// store's log into this one (domain/merge) and prints, per mailbox, what it did or would do.
import type { Command } from 'commander';
import { resolve } from 'node:path';
import { refuse } from '../../domain/decider.ts';
import { mergeStores, type MergeReport } from '../../domain/merge/merge-stores.ts';
import { commandContext } from '../context.ts';
import { openMergeSource } from '../merge-source.ts';
import type { Runtime } from '../runtime.ts';
import { withRuntime } from './common.ts';
import { printJson, printTable, say } from './output.ts';

type MergeOptions = { from: string; dryRun?: boolean; json?: boolean };

export function mergeCommand(program: Command): void {
  program
    .command('merge')
    .description("merge another store's log into this one: every account, mailbox and directory entry")
    .requiredOption('--from <source>', 'the other data directory (stopped or running), or a file from postlog export')
    .option('--dry-run', 'say what would change, change nothing')
    .option('--json', 'machine-readable output')
    .action(async (options: MergeOptions, command: Command) => {
      await withRuntime(command, async (runtime) => {
        if (resolve(options.from) === resolve(runtime.dataDir)) refuse('InvalidArgument', `${options.from} is this store: merge takes another one`);
        const source = await openMergeSource(options.from);
        let report: MergeReport;
        try {
          const ctx = commandContext({ kind: 'system', id: 'merge', protocol: 'merge', address: source.location }, runtime.origin);
          report = await mergeStores(runtime.storage, source, ctx, {
            dryRun: options.dryRun,
            from: { origin: source.origin, location: source.location },
            onStream: (stream, n) => process.stderr.write(`postlog merge: ${stream}: ${n} event(s)\n`),
          });
        } finally {
          await source.close();
        }
        // The read models (and a running server's, which follows the log) now show the result.
        await runtime.runner.catchUp();
        if (options.json) return printJson(report);
        printReport(runtime, report);
      });
    });
}

function printReport(runtime: Runtime, report: MergeReport): void {
  const who = (accountId: string) => runtime.accounts.address(accountId) ?? accountId;
  say(`${report.dryRun ? 'Would merge' : 'Merged'} ${report.from.location} (origin ${report.from.origin})`);
  const rows = report.mailboxes
    .filter((m) => m.added || m.duplicates || m.renumbered || m.flagChanges || m.expunged)
    .map((m) => [who(m.accountId), m.name, m.added, m.duplicates, m.renumbered, m.flagChanges, m.expunged]);
  if (rows.length && (report.dryRun || report.appended)) printTable(['ACCOUNT', 'MAILBOX', 'ADDED', 'DUPLICATES', 'RENUMBERED', 'FLAGS MERGED', 'EXPUNGED'], rows);
  for (const f of report.folders) {
    const parts = [
      ...f.created.map((n) => `created "${n}"`),
      ...f.renamed.map((r) => `renamed "${r.from}" to "${r.to}"`),
      ...f.deleted.map((n) => `deleted "${n}"`),
    ];
    say(`${who(f.accountId)}: ${parts.join(', ')}`);
  }
  for (const c of report.conflicts) say(`conflict: ${c}`);
  if (report.dryRun) say(`nothing changed (dry run)`);
  else if (!report.appended) say('nothing to merge: this store already holds everything the other one has');
  else say(`${report.appended} events appended (${report.copied} copied as they were), ${report.blobsCopied} blobs copied; recorded as merge-${report.mergeId}`);
}
