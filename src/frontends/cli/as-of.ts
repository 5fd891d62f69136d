// `postlog show --as-of` and `postlog restore`: an account's folders as they stood at a past
// moment, computed from the log up to then, and a mailbox re-created from that state.
import type { Command } from 'commander';
import { accountStream, type MailboxCreated } from '../../domain/account/events.ts';
import { normalizeMailboxName } from '../../domain/account/names.ts';
import { refuse } from '../../domain/decider.ts';
import { mailboxStream } from '../../domain/mailbox/events.ts';
import { restoreMailbox } from '../../domain/restore.ts';
import { buildAt, type PointInTime } from '../../projections/point-in-time.ts';
import type { Runtime } from '../runtime.ts';
import { accountId, adminContext, withRuntime } from './common.ts';
import { folderRows, printFolders } from './folders.ts';
import { printJson, say } from './output.ts';
import { parseTime, shortUtc } from './time-arg.ts';

/** The account's tree and mailboxes at `asOf`, read from its own streams only. */
async function accountAt(runtime: Runtime, ref: string, asOf: string): Promise<{ id: string; at: PointInTime }> {
  const id = await accountId(runtime, ref);
  const tree = await runtime.storage.events.readStream(accountStream(id));
  const streams = [accountStream(id), ...tree.filter((r) => r.event.type === 'MailboxCreated').map((r) => mailboxStream((r.event as MailboxCreated).data.mailboxId))];
  const at = await buildAt(runtime.storage.events, { at: asOf }, { streams });
  if (!at.accounts.tree(id).length) {
    await at.close();
    const first = tree[0]?.event.meta.at;
    refuse('NotFound', `account ${ref} had no folders yet at ${asOf}${first ? ` (its first folder was made at ${first})` : ''}`);
  }
  return { id, at };
}

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
        const { id, at } = await accountAt(runtime, options.account, asOf);
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
      const name = normalizeMailboxName(options.mailbox);
      const into = normalizeMailboxName(options.into ?? `${name} (restored ${shortUtc(asOf)})`);
      await withRuntime(command, async (runtime) => {
        const { id, at } = await accountAt(runtime, options.account, asOf);
        let plan;
        try {
          const then = at.accounts.mailboxByName(id, name);
          if (!then) {
            const names = at.accounts.tree(id).filter((f) => f.mailboxId).map((f) => `"${f.name}"`);
            refuse('NotFound', `mailbox "${name}" did not exist at ${asOf}; the folders then were ${names.join(', ')}`);
          }
          if (runtime.accounts.mailboxByName(id, into)) refuse('AlreadyExists', `mailbox "${into}" already exists: choose another with --into`);
          plan = { accountId: id, fromMailboxId: then.mailboxId, asOf, into, messages: at.mailboxes.messages(then.mailboxId) };
        } finally {
          await at.close();
        }
        const restored = await restoreMailbox(runtime.mail, plan, adminContext(runtime, 'restore'));
        if (options.json) return printJson({ ...restored, from: name, fromMailboxId: plan.fromMailboxId, asOf });
        say(`restored ${restored.uids.length} messages of "${name}" as of ${shortUtc(asOf)} UTC into "${restored.name}"`);
      });
    });
}
