// The history and audit indexes are deferred read models: kept by the runner in batches of its
// own after the appends, not inside them. An append is answered without them, `settle` waits
// for them, and a process that dies before its batch loses nothing: the next start catches up.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { openRuntime, type Runtime } from '../../src/frontends/runtime.ts';
import { newMessage } from '../../src/domain/mailbox/fixtures.ts';
import { AuditIndex, auditProjection } from '../../src/projections/audit-index.ts';
import { HistoryIndex, historyProjection } from '../../src/projections/history-index.ts';
import { projectionDb } from '../../src/projections/projection.ts';
import { tempDir, userContext, withTempRuntime } from '../helpers/runtime.ts';

const execFileAsync = promisify(execFile);
const history = (runtime: Runtime) => new HistoryIndex(projectionDb(runtime.storage.root, historyProjection));
const auditEntries = (runtime: Runtime, accountId: string) =>
  new AuditIndex(projectionDb(runtime.storage.root, auditProjection)).query({ accountId }).entries;

describe('deferred read models (history, audit)', () => {
  it('follow an append in a batch of their own: not there when it is answered, there once settled', async () => {
    await withTempRuntime(async (runtime) => {
      const ctx = userContext(runtime);
      const accountId = await runtime.mail.createAccount('later@example.test', ctx);
      const inbox = (await runtime.mail.mailbox(accountId, 'INBOX')).mailboxId;
      const appended = await Promise.all(Array.from({ length: 20 }, () => runtime.mail.append(inbox, [newMessage()], ctx)));
      const last = appended.reduce((a, b) => (a.position > b.position ? a : b));
      // The mailbox view is in the append's own commit; the history index is not yet.
      assert.equal(runtime.mailboxes.status(inbox)!.messages, 20);
      await runtime.runner.waitFor(last.position);
      assert.equal(history(runtime).emailIdAt(inbox, last.uids[0]!), undefined);
      await runtime.runner.settle(last.position);
      for (const { uids, emailIds } of appended) assert.equal(history(runtime).emailIdAt(inbox, uids[0]!), emailIds[0]);
      assert.ok(runtime.runner.position >= last.position);
    });
  });

  it('are reached in their own time by a runner that follows the log', async () => {
    await withTempRuntime(async (runtime) => {
      const ctx = userContext(runtime);
      const accountId = await runtime.mail.createAccount('own-time@example.test', ctx);
      const inbox = (await runtime.mail.mailbox(accountId, 'INBOX')).mailboxId;
      const appended = await runtime.mail.append(inbox, [newMessage()], ctx);
      assert.equal(history(runtime).emailIdAt(inbox, appended.uids[0]!), undefined);
      await runtime.runner.reached(appended.position);
      assert.equal(history(runtime).emailIdAt(inbox, appended.uids[0]!), appended.emailIds[0]);
    });
  });

  it('are brought up to date when a process that does not follow the log closes (the CLI)', async () => {
    const dir = tempDir();
    try {
      const cli = await openRuntime(dir.path, { follow: false });
      const ctx = userContext(cli);
      const accountId = await cli.mail.createAccount('cli@example.test', ctx);
      const inbox = (await cli.mail.mailbox(accountId, 'INBOX')).mailboxId;
      const { uids, emailIds } = await cli.mail.append(inbox, [newMessage(), newMessage()], ctx);
      assert.equal(history(cli).emailIdAt(inbox, uids[1]!), undefined);
      // It follows no log, so settling brings them up itself.
      const more = await cli.mail.append(inbox, [newMessage()], ctx);
      await cli.runner.settle(more.position);
      assert.equal(history(cli).emailIdAt(inbox, more.uids[0]!), more.emailIds[0]);
      const last = await cli.mail.append(inbox, [newMessage()], ctx);
      assert.equal(history(cli).emailIdAt(inbox, last.uids[0]!), undefined);
      await cli.close();
      const after = await openRuntime(dir.path, { catchUp: false });
      try {
        assert.deepEqual(uids.map((uid) => history(after).emailIdAt(inbox, uid)), emailIds);
        assert.ok(history(after).emailIdAt(inbox, 4), 'the last append, left to the close');
        assert.ok(auditEntries(after, accountId).length >= 2);
      } finally {
        await after.close();
      }
    } finally {
      dir.remove();
    }
  });

  it('are caught up by the next start after the process died before writing them', async () => {
    const dir = tempDir();
    try {
      const setup = await openRuntime(dir.path, { follow: true });
      const accountId = await setup.mail.createAccount('crash@example.test', userContext(setup));
      const inbox = (await setup.mail.mailbox(accountId, 'INBOX')).mailboxId;
      await setup.runner.settle(await setup.storage.events.headPosition());
      const before = auditEntries(setup, accountId).length;
      await setup.close();
      const writer = fileURLToPath(new URL('../domain/fixtures/append-many.ts', import.meta.url));
      const run = await execFileAsync(process.execPath, ['--import', 'tsx', writer, dir.path, inbox, '30', '5', 'kill'], { encoding: 'utf8' }).catch(
        (error: { stdout: string; signal: string }) => (assert.equal(error.signal, 'SIGKILL'), error),
      );
      assert.deepEqual(JSON.parse(run.stdout), { stored: 30, failures: [] });
      // As the writer left it: every append stored with its mailbox view, the indexes behind.
      const left = await openRuntime(dir.path, { catchUp: false });
      try {
        assert.equal(left.mailboxes.status(inbox)!.messages, 30);
        assert.equal(history(left).emailIdAt(inbox, 30), undefined, 'the writer died before its deferred batch');
      } finally {
        await left.close();
      }
      const restarted = await openRuntime(dir.path);
      try {
        const uids = restarted.mailboxes.uids(inbox);
        assert.deepEqual(uids, Array.from({ length: 30 }, (_, i) => i + 1));
        for (const uid of uids) assert.ok(history(restarted).emailIdAt(inbox, uid), `history of UID ${uid}`);
        assert.equal(auditEntries(restarted, accountId).length, before + 30);
      } finally {
        await restarted.close();
      }
    } finally {
      dir.remove();
    }
  });
});
