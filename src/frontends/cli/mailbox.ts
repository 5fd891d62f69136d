// `postlog mailbox list|show`: the folder tree and a mailbox's messages, from the projections.
import type { Command } from 'commander';
import { accountId, withRuntime } from './common.ts';
import { printJson, printTable, say } from './output.ts';
import { folderRows, printFolders } from './folders.ts';
import { normalizeMailboxName } from '../../domain/account/names.ts';
import { refuse } from '../../domain/decider.ts';

export function mailboxCommands(program: Command): void {
  const mailbox = program.command('mailbox').description('inspect mailboxes');

  mailbox
    .command('list')
    .description("list an account's folders with their counts")
    .argument('<account>', 'address or account id')
    .option('--json', 'machine-readable output')
    .action(async (ref: string, options: { json?: boolean }, command: Command) => {
      await withRuntime(command, async (runtime) => {
        const id = await accountId(runtime, ref);
        const rows = folderRows(runtime.accounts, runtime.mailboxes, id);
        if (options.json) return printJson(rows);
        printFolders(rows);
      });
    });

  mailbox
    .command('show')
    .description("list a mailbox's messages: UID, flags, internal date, size, subject")
    .argument('<account>', 'address or account id')
    .argument('<mailbox>', 'mailbox name, e.g. INBOX or "Project Notes 2010"')
    .option('--json', 'machine-readable output')
    .action(async (ref: string, name: string, options: { json?: boolean }, command: Command) => {
      await withRuntime(command, async (runtime) => {
        const id = await accountId(runtime, ref);
        const canonical = normalizeMailboxName(name);
        const entry = runtime.accounts.mailboxByName(id, canonical);
        if (!entry) refuse('NotFound', `mailbox "${canonical}" does not exist`);
        const status = runtime.mailboxes.status(entry.mailboxId);
        const messages = runtime.mailboxes.messages(entry.mailboxId).map((m) => ({
          uid: m.uid,
          emailId: m.emailId,
          flags: m.flags,
          internalDate: m.internalDate,
          size: m.size,
          modseq: m.modseq,
          subject: m.summary.subject,
          from: m.summary.from,
        }));
        if (options.json) return printJson({ name: canonical, ...status, messages });
        say(`${canonical}: ${status?.messages ?? 0} messages, UIDVALIDITY ${status?.uidValidity}, UIDNEXT ${status?.uidNext}, HIGHESTMODSEQ ${status?.highestModseq}`);
        printTable(
          ['UID', 'FLAGS', 'INTERNALDATE', 'SIZE', 'SUBJECT'],
          messages.map((m) => [m.uid, m.flags.join(' ') || '-', m.internalDate, m.size, m.subject]),
        );
      });
    });
}
