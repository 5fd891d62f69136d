// `postlog audit`: events across accounts by time and type, from the audit index.
import type { Command } from 'commander';
import { KNOWN_EVENT_TYPES } from '../../domain/event-types.ts';
import { refuse } from '../../domain/decider.ts';
import { AUDIT_KINDS, AuditIndex, auditProjection } from '../../projections/audit-index.ts';
import { actorText } from '../../projections/message-history.ts';
import { accountId, withRuntime } from './common.ts';
import { parseNonNegative } from './log.ts';
import { printJson, printTable } from './output.ts';
import { mailboxLabel } from './folders.ts';
import { parseTime } from './time-arg.ts';
import { projectionDb } from '../../projections/projection.ts';

type AuditOptions = { account?: string; since?: string; until?: string; type?: string[]; limit?: number; json?: boolean };

export function auditCommand(program: Command): void {
  program
    .command('audit')
    .description('what happened, by time: deliveries, appends, flag changes, moves, deletions, folder and directory changes, merges')
    .option('--account <account>', 'only this account (address or id)')
    .option('--since <time>', 'from this time on (ISO 8601 or "YYYY-MM-DD HH:MM" UTC)')
    .option('--until <time>', 'up to this time, inclusive')
    .option('--type <type...>', `event types (MessageAppended ...) or kinds: ${AUDIT_KINDS.join(', ')}`)
    .option('--limit <n>', 'at most this many events', (v) => parseNonNegative(v, '--limit'))
    .option('--json', 'machine-readable output')
    .action(async (options: AuditOptions, command: Command) => {
      const since = options.since === undefined ? undefined : parseTime(options.since, '--since');
      const until = options.until === undefined ? undefined : parseTime(options.until, '--until');
      const known = new Set([...AUDIT_KINDS, ...[...KNOWN_EVENT_TYPES.keys()].map((t) => t.toLowerCase())]);
      const unknown = options.type?.filter((t) => !known.has(t.toLowerCase())) ?? [];
      if (unknown.length) refuse('InvalidArgument', `--type: unknown ${unknown.join(', ')}; kinds are ${AUDIT_KINDS.join(', ')}, or an event type such as MessageAppended`);
      await withRuntime(command, async (runtime) => {
        const account = options.account === undefined ? undefined : await accountId(runtime, options.account);
        const index = new AuditIndex(projectionDb(runtime.storage.root, auditProjection));
        const { entries } = index.query({ accountId: account, since, until, types: options.type, limit: options.limit });
        if (options.json) return printJson(entries);
        const address = (id: string) => runtime.accounts.address(id) || undefined;
        const where = (e: (typeof entries)[number]) =>
          e.stream.startsWith('mailbox-') ? mailboxLabel(runtime.accounts, e.accountId ?? undefined, e.stream.slice('mailbox-'.length)) : e.accountId ? address(e.accountId) ?? e.accountId : e.stream;
        printTable(
          ['TIME', 'POSITION', 'KIND', 'TYPE', 'WHERE', 'BY', 'WHAT'],
          entries.map((e) => [e.at, e.position, e.category, e.type, where(e), actorText(e.actor, address), e.summary]),
        );
      });
    });
}
