// `postlog queue list|show|retry|delete`: the outbound relay's queue, from the queue projection
// (what is waiting, and when it is next tried) and each item's own stream (what happened).
import type { Command } from 'commander';
import { refuse } from '../../domain/decider.ts';
import { outboundDecider } from '../../domain/outbound/decider.ts';
import { outboundStream } from '../../domain/outbound/events.ts';
import type { OutboundItem } from '../../domain/outbound/state.ts';
import type { Runtime } from '../runtime.ts';
import { adminContext, withRuntime } from './common.ts';
import { printJson, printTable, say } from './output.ts';

function summary(item: OutboundItem, dueAt?: string) {
  const pending = item.recipients.filter((r) => r.status === 'pending');
  const reasons = [...new Set(pending.map((r) => r.lastReason).filter((r): r is string => !!r))];
  return {
    queueId: item.queueId,
    queuedAt: item.queuedAt,
    dueAt: dueAt ?? null,
    mailFrom: item.mailFrom,
    size: item.size,
    recipients: item.recipients.length,
    waiting: pending.length,
    lastReason: reasons[0] ?? null,
  };
}

function itemOf(runtime: Runtime, queueId: string): OutboundItem {
  const item = runtime.outbound.item(queueId);
  if (!item) refuse('NotFound', `no queue item ${queueId} (postlog queue list shows them)`);
  return item;
}

async function change(runtime: Runtime, queueId: string, command: { type: 'retry' } | { type: 'delete'; reason: string }) {
  itemOf(runtime, queueId);
  const ctx = adminContext(runtime, `queue ${command.type}`);
  const { events } = await runtime.handler.handle(outboundStream(queueId), outboundDecider, { ...command, queueId }, ctx);
  await runtime.runner.catchUp();
  return events;
}

export function queueCommands(program: Command): void {
  const queue = program.command('queue').description('the outbound queue: mail waiting to leave for other domains');

  queue
    .command('list')
    .description('items with recipients still waiting (or a report still to send), the earliest due first')
    .option('--json', 'machine-readable output')
    .action(async (options: { json?: boolean }, command: Command) => {
      await withRuntime(command, async (runtime) => {
        const rows = runtime.outbound.active().map(({ dueAt, item }) => summary(item, dueAt));
        if (options.json) return printJson(rows);
        if (!rows.length) return say('the queue is empty');
        printTable(
          ['QUEUE ID', 'DUE', 'FROM', 'WAITING', 'SIZE', 'LAST REASON'],
          rows.map((r) => [r.queueId, r.dueAt ?? '-', r.mailFrom || '<>', `${r.waiting}/${r.recipients}`, r.size, r.lastReason ?? '-']),
        );
      });
    });

  queue
    .command('show')
    .description("an item's recipients with their state, and every event of its history")
    .argument('<id>', 'queue id')
    .option('--json', 'machine-readable output')
    .action(async (queueId: string, options: { json?: boolean }, command: Command) => {
      await withRuntime(command, async (runtime) => {
        const item = itemOf(runtime, queueId);
        const history = (await runtime.storage.events.readStream(outboundStream(queueId))).map((r) => ({ type: r.event.type, at: r.event.meta.at, data: r.event.data }));
        if (options.json) return printJson({ ...item, history });
        say(`${item.queueId}: from <${item.mailFrom}>, ${item.size} bytes, queued ${item.queuedAt}${item.deleted ? ', deleted' : ''}`);
        printTable(
          ['RECIPIENT', 'STATUS', 'ATTEMPTS', 'NEXT ATTEMPT', 'LAST REPLY OR REASON'],
          item.recipients.map((r) => [r.address, r.status, r.attempts, r.status === 'pending' ? r.nextAttemptAt : '-', r.lastReply ?? r.lastReason ?? '-']),
        );
        say('');
        for (const h of history) {
          const { queueId: _, ...data } = h.data as Record<string, unknown>;
          say(`${h.at}  ${h.type}  ${h.type === 'OutboundQueued' ? '' : JSON.stringify(data)}`.trimEnd());
        }
      });
    });

  queue
    .command('retry')
    .description('try the waiting recipients of an item now (the running server picks it up)')
    .argument('<id>', 'queue id')
    .option('--json', 'machine-readable output')
    .action(async (queueId: string, options: { json?: boolean }, command: Command) => {
      await withRuntime(command, async (runtime) => {
        await change(runtime, queueId, { type: 'retry' });
        const item = itemOf(runtime, queueId);
        if (options.json) return printJson(summary(item, item.recipients.find((r) => r.status === 'pending')?.nextAttemptAt));
        say(`${queueId}: due now`);
      });
    });

  queue
    .command('delete')
    .description('stop trying an item: its waiting recipients are dropped, without a bounce')
    .argument('<id>', 'queue id')
    .option('--json', 'machine-readable output')
    .action(async (queueId: string, options: { json?: boolean }, command: Command) => {
      await withRuntime(command, async (runtime) => {
        const events = await change(runtime, queueId, { type: 'delete', reason: 'deleted by an admin' });
        if (options.json) return printJson({ queueId, deleted: true, changed: events.length > 0 });
        say(events.length ? `${queueId}: deleted` : `${queueId}: was already deleted`);
      });
    });
}
