// `postlog replay --until TIME|POSITION`: the folder trees and counts as the projections had
// them at a past point, built into a throwaway environment; the live read models are not opened.
import type { Command } from 'commander';
import { refuse } from '../../domain/decider.ts';
import { accountProjection } from '../../projections/account-view.ts';
import type { Cut } from '../../projections/log-slice.ts';
import { mailboxProjection } from '../../projections/mailbox-view.ts';
import { buildAt } from '../../projections/point-in-time.ts';
import { openLmdbStorage } from '../../store/lmdb/open.ts';
import { settings } from './common.ts';
import { folderRows, printFolders } from './folders.ts';
import { printJson, say } from './output.ts';
import { progress } from './progress.ts';
import { parseTime } from './time-arg.ts';

/** A whole number is a log position; anything else must read as a time. */
export function parseCut(value: string): Cut {
  return /^\d+$/.test(value.trim()) ? { position: Number(value) } : { at: parseTime(value, '--until') };
}

export function replayCommand(program: Command): void {
  program
    .command('replay')
    .description('the folder trees and counts as they were at a past point of the log (read-only)')
    .requiredOption('--until <time|position>', 'a log position, or a time (ISO 8601 or "YYYY-MM-DD HH:MM" UTC)')
    .option('--account <address>', 'only this account (address or account id, as it was then)')
    .option('--json', 'machine-readable output')
    .action(async (options: { until: string; account?: string; json?: boolean }, command: Command) => {
      const cut = parseCut(options.until);
      const { dataDir } = settings(command);
      const storage = await openLmdbStorage(dataDir);
      try {
        const head = await storage.events.headPosition();
        const shown = progress('replay', cut.position === undefined ? head : Math.min(head, cut.position));
        const at = await buildAt(storage.events, cut, { projections: [accountProjection, mailboxProjection], onProgress: (p) => shown.update(p) });
        shown.done();
        try {
          let accounts = at.accounts.accounts();
          if (options.account !== undefined) {
            const wanted = options.account.toLowerCase();
            accounts = accounts.filter((a) => a.accountId === options.account || a.address.toLowerCase() === wanted);
            if (!accounts.length) refuse('NotFound', `no account ${options.account} at ${cut.at ?? `position ${cut.position}`}`);
          }
          const result = accounts.map((a) => ({ ...a, folders: folderRows(at.accounts, at.mailboxes, a.accountId) }));
          if (options.json) return printJson({ until: cut, position: at.position, accounts: result });
          say(`as of ${cut.at ?? `position ${cut.position}`} (log position ${at.position} of ${head})`);
          for (const a of result) {
            say('');
            say(`${a.address || '(no address)'}  ${a.accountId}`);
            printFolders(a.folders);
          }
        } finally {
          await at.close();
        }
      } finally {
        await storage.close();
      }
    });
}
