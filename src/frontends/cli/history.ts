// `postlog history <emailId | Message-ID | account/mailbox/uid>`: every event about a message.
import type { Command } from 'commander';
import { normalizeMailboxName } from '../../domain/account/names.ts';
import { refuse } from '../../domain/decider.ts';
import { HistoryIndex, historyProjection } from '../../projections/history-index.ts';
import { actorText, messageHistory, type HistoryEntry } from '../../projections/message-history.ts';
import type { Runtime } from '../runtime.ts';
import { accountId, withRuntime } from './common.ts';
import { printJson, printTable, say } from './output.ts';
import { mailboxLabel } from './folders.ts';
import { projectionDb } from '../../projections/projection.ts';

export function historyIndex(runtime: Runtime): HistoryIndex {
  return new HistoryIndex(projectionDb(runtime.storage.root, historyProjection));
}

/** The emailIds a reference names: "account/mailbox/uid" (the mailbox by its name now), an emailId, or a Message-ID. */
async function emailIdsOf(runtime: Runtime, index: HistoryIndex, ref: string): Promise<string[]> {
  const path = /^([^/]+)\/(.+)\/(\d+)$/.exec(ref);
  if (path) {
    const [, account, mailbox, uid] = path;
    const id = await accountId(runtime, account!);
    const name = normalizeMailboxName(mailbox!);
    const entry = runtime.accounts.mailboxByName(id, name);
    if (!entry) refuse('NotFound', `mailbox "${name}" of ${account} does not exist`);
    const emailId = index.emailIdAt(entry.mailboxId, Number(uid));
    if (!emailId) refuse('NotFound', `no message has ever had UID ${uid} in "${name}" of ${account}`);
    return [emailId];
  }
  if (index.knows(ref)) return [ref];
  const byMessageId = index.emailIdsOfMessageId(ref);
  if (!byMessageId.length) refuse('NotFound', `no message has the emailId or Message-ID "${ref}" (or give account/mailbox/uid)`);
  return byMessageId;
}

function mailboxNames(runtime: Runtime, index: HistoryIndex): (mailboxId: string) => string {
  const cache = new Map<string, string>();
  return (mailboxId) => {
    let name = cache.get(mailboxId);
    if (name === undefined) {
      name = mailboxLabel(runtime.accounts, index.accountOfMailbox(mailboxId), mailboxId);
      cache.set(mailboxId, name);
    }
    return name;
  };
}

function detailText(e: HistoryEntry): string {
  return Object.entries(e.details)
    .filter(([k, v]) => !k.endsWith('MailboxId') && k !== 'emailId' && v !== undefined && !(Array.isArray(v) && !v.length))
    .map(([k, v]) => `${k}=${k === 'mailFrom' || k === 'rcptTo' ? `<${v}>` : Array.isArray(v) ? v.join(' ') : typeof v === 'string' ? v : JSON.stringify(v)}`)
    .join(' ');
}

export function historyCommand(program: Command): void {
  program
    .command('history')
    .description('every event about a message, in time order: delivery, appends, flags, copies, moves, expunge')
    .argument('<message>', 'emailId, Message-ID, or account/mailbox/uid (e.g. alice@example.test/INBOX/7)')
    .option('--json', 'machine-readable output')
    .action(async (ref: string, options: { json?: boolean }, command: Command) => {
      await withRuntime(command, async (runtime) => {
        const index = historyIndex(runtime);
        const names = mailboxNames(runtime, index);
        const histories = [];
        for (const emailId of await emailIdsOf(runtime, index, ref)) {
          histories.push({ emailId, events: await messageHistory(runtime.storage.events, index, emailId, names) });
        }
        if (options.json) return printJson(histories);
        for (const { emailId, events } of histories) {
          const subject = events.find((e) => e.details.subject !== undefined)?.details.subject;
          say(`emailId ${emailId}${subject === undefined ? '' : `  ${JSON.stringify(subject)}`}`);
          printTable(
            ['TIME', 'WHAT', 'WHERE', 'BY', 'DETAILS'],
            events.map((e) => [e.at, e.what, `${e.mailbox} uid ${e.uid}`, actorText(e.actor, (id) => runtime.accounts.address(id)), detailText(e)]),
          );
        }
      });
    });
}
