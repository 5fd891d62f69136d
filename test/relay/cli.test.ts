// `postlog queue list|show|retry|delete --json` on a data directory with a deferred item.
import { it } from 'node:test';
import assert from 'node:assert/strict';
import { openRuntime } from '../../src/frontends/runtime.ts';
import { loadConfig } from '../../src/frontends/config.ts';
import { outboundDecider, DEFAULT_RETRY } from '../../src/domain/outbound/decider.ts';
import { outboundStream } from '../../src/domain/outbound/events.ts';
import { addTestUser, adminContext, settled, tempDir } from '../helpers/runtime.ts';
import { postlogCli } from '../helpers/cli.ts';
import { ALICE, historyOf, queueMessage } from './harness.ts';

it('lists, shows, retries and deletes queue items', async () => {
  const dir = tempDir('postlog-queue-cli-');
  try {
    const config = loadConfig(undefined, { POSTLOG_DOMAINS: 'example.test' });
    let runtime = await openRuntime(dir.path, { follow: true, config });
    await addTestUser(runtime, ALICE, 'password');
    const id = await queueMessage(runtime, { to: ['bob@remote.test', 'carol@remote.test'], subject: 'waiting' });
    const ctx = adminContext(runtime);
    const stream = outboundStream(id);
    await runtime.handler.handle(stream, outboundDecider, { type: 'startAttempt', queueId: id, attemptId: 'a1', domain: 'remote.test', addresses: ['bob@remote.test'] }, ctx);
    const results = [{ address: 'bob@remote.test', outcome: 'deferred', reason: 'remote replied 451 4.2.1 busy', reply: '451 4.2.1 busy' }] as const;
    await runtime.handler.handle(stream, outboundDecider, { type: 'recordResults', queueId: id, attemptId: 'a1', results, policy: DEFAULT_RETRY }, ctx);
    await settled(runtime);
    await runtime.close();

    const cli = postlogCli(dir.path);
    const list = await cli(['queue', 'list', '--json']);
    assert.equal(list.code, 0, list.err);
    const rows = JSON.parse(list.out) as { queueId: string; waiting: number; recipients: number; mailFrom: string; lastReason: string; dueAt: string }[];
    assert.equal(rows.length, 1);
    const { queueId, waiting, recipients, mailFrom, lastReason, dueAt } = rows[0]!;
    assert.deepEqual({ queueId, waiting, recipients, mailFrom, lastReason }, { queueId: id, waiting: 2, recipients: 2, mailFrom: ALICE, lastReason: 'remote replied 451 4.2.1 busy' });
    assert.ok(!Number.isNaN(Date.parse(dueAt)), 'when it is due next');

    const show = await cli(['queue', 'show', id, '--json']);
    assert.equal(show.code, 0, show.err);
    const shown = JSON.parse(show.out) as { recipients: { address: string; attempts: number; lastReply?: string }[]; history: { type: string }[] };
    assert.deepEqual(shown.recipients.map((r) => [r.address, r.attempts, r.lastReply ?? null]), [['bob@remote.test', 1, '451 4.2.1 busy'], ['carol@remote.test', 0, null]]);
    assert.deepEqual(shown.history.map((h) => h.type), ['OutboundQueued', 'DeliveryAttemptStarted', 'RecipientDeferred']);

    const retry = await cli(['queue', 'retry', id, '--json']);
    assert.equal(retry.code, 0, retry.err);
    assert.equal((JSON.parse(retry.out) as { waiting: number }).waiting, 2);
    const del = await cli(['queue', 'delete', id]);
    assert.equal(del.code, 0, del.err);
    assert.match(del.out, /deleted/);

    runtime = await openRuntime(dir.path, { config });
    try {
      assert.deepEqual((await historyOf(runtime, id)).map((e) => e.type).slice(3), ['OutboundRetryRequested', 'OutboundDeleted']);
      assert.equal(runtime.outbound.active().length, 0, 'a deleted item is not waiting any more');
      assert.ok(runtime.outbound.item(id)!.recipients.every((r) => r.status === 'deleted'));
    } finally {
      await runtime.close();
    }
  } finally {
    dir.remove();
  }
});
