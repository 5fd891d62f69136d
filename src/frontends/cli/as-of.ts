// `postlog show --as-of` and `postlog restore`: an account's folders as they stood at a past
// moment, computed from the log up to then, and a mailbox re-created from that state.
import type { Command } from 'commander';
import { accountAt, restoreAsOf, shortUtc } from '../as-of.ts';
import { accountId, adminContext, withRuntime } from './common.ts';
import { folderRows, printFolders } from './folders.ts';
import { printJson, say } from './output.ts';
import { parseTime } from './time-arg.ts';

export function asOfCommands(program: Command): void {
  program
    .command('show')
    .description("an account's folder tree and counts as they stood at a past moment")
    .requiredOption('--account <account>', 'address or account id')
    .requiredOption('--as-of <time>', 'ISO 8601, or "YYYY-MM-DD HH:MM" (UTC)')
    .option('--json', 'machine-readable output')
    .action(async (options: { account: string; asOf: string; json?: boolean }, command: Command) => {
      const asOf = parseTime(options.asOf, '--as-of');
      await withRuntime(command, async (runtime) => {
        const id = await accountId(runtime, options.account);
        const at = await accountAt(runtime, id, asOf, options.account);
        try {
          const rows = folderRows(at.accounts, at.mailboxes, id);
          if (options.json) return printJson({ account: options.account, asOf, folders: rows });
          say(`${options.account} as of ${shortUtc(asOf)} UTC`);
          printFolders(rows);
        } finally {
          await at.close();
        }
      });
    });

  program
    .command('restore')
    .description('re-create a mailbox as it stood at a past moment (messages and flags) into a new mailbox')
    .requiredOption('--account <account>', 'address or account id')
    .requiredOption('--mailbox <name>', 'the mailbox, by the name it had at that moment')
    .requiredOption('--as-of <time>', 'ISO 8601, or "YYYY-MM-DD HH:MM" (UTC)')
    .option('--into <name>', 'new mailbox name (default: "<mailbox> (restored YYYY-MM-DD HH:MM)")')
    .option('--json', 'machine-readable output')
    .action(async (options: { account: string; mailbox: string; asOf: string; into?: string; json?: boolean }, command: Command) => {
      const asOf = parseTime(options.asOf, '--as-of');
      await withRuntime(command, async (runtime) => {
        const id = await accountId(runtime, options.account);
        const request = { accountId: id, label: options.account, mailbox: options.mailbox, asOf, into: options.into };
        const restored = await restoreAsOf(runtime, request, adminContext(runtime, 'restore'));
        if (options.json) return printJson(restored);
        say(`restored ${restored.uids.length} messages of "${restored.from}" as of ${shortUtc(asOf)} UTC into "${restored.name}"`);
      });
    });
}
