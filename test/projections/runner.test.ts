// The runner refuses to skip what it does not understand, and the views answer what sessions ask.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { dumpProjections, settled, userContext, withTempRuntime } from '../helpers/runtime.ts';
import { ProjectionRunner, ProjectionStopped } from '../../src/projections/runner.ts';
import { PROJECTIONS } from '../../src/frontends/runtime.ts';
import { newMessage } from '../../src/domain/mailbox/fixtures.ts';

describe('projection runner', () => {
  it('stops at an unknown event type and names its position', async () => {
    await withTempRuntime(async (runtime) => {
      const ctx = userContext(runtime);
      await runtime.mail.createAccount('a@example.test', ctx);
      const { position } = await runtime.storage.events.append('mystery', [
        { type: 'SomethingFromTheFuture', data: {}, meta: { eventId: ctx.newId(), at: ctx.now, origin: 'x', actor: ctx.actor, schema: 1 } },
      ]);
      await assert.rejects(runtime.runner.waitFor(position), (error: unknown) => {
        assert.ok(error instanceof ProjectionStopped);
        assert.equal(error.position, position);
        assert.match(error.message, /unknown event type "SomethingFromTheFuture"/);
        return true;
      });
      assert.ok(runtime.runner.position < position, 'the checkpoint did not move past it');
    });
  });

  it('stops at an event of a newer schema version', async () => {
    await withTempRuntime(async (runtime) => {
      const ctx = userContext(runtime);
      const { position } = await runtime.storage.events.append('directory', [
        { type: 'AccountCreated', data: { accountId: 'x', address: 'x@example.test' }, meta: { eventId: ctx.newId(), at: ctx.now, origin: 'x', actor: ctx.actor, schema: 9 } },
      ]);
      await assert.rejects(runtime.runner.waitFor(position), /AccountCreated has schema 9/);
    });
  });

  it("commits an append's read-model changes with the append itself", async () => {
    await withTempRuntime(async (runtime) => {
      const ctx = userContext(runtime);
      const accountId = await runtime.mail.createAccount('inline@example.test', ctx);
      await runtime.runner.waitFor(await runtime.storage.events.headPosition());
      const inbox = await runtime.mail.mailbox(accountId, 'INBOX');
      const appended = await runtime.mail.append(inbox.mailboxId, [newMessage(), newMessage()], ctx);
      // No waiting for the runner: the view is already there when the append resolves.
      assert.equal(runtime.mailboxes.status(inbox.mailboxId)!.messages, 2);
      await runtime.mail.store(inbox.mailboxId, [1], 'add', ['\\Flagged'], ctx);
      assert.deepEqual(runtime.mailboxes.message(inbox.mailboxId, 1)!.flags, ['\\Flagged']);
      await runtime.runner.waitFor(appended.position);
      // The deferred read models (history, audit) follow in a batch of the runner's own.
      await runtime.runner.settle(appended.position);
      assert.ok(runtime.runner.position >= appended.position);
    });
  });

  it('keeps the read models current in the appends of a process that does not follow the log (a CLI command)', async () => {
    await withTempRuntime(async (runtime) => {
      const ctx = userContext(runtime);
      const accountId = await runtime.mail.createAccount('cli@example.test', ctx);
      const inbox = await runtime.mail.mailbox(accountId, 'INBOX');
      const appended = await runtime.mail.append(inbox.mailboxId, [newMessage()], ctx);
      // Nothing catches up here: the append itself left the view and every checkpoint there.
      assert.equal(runtime.mailboxes.status(inbox.mailboxId)!.messages, 1);
      await runtime.runner.waitFor(appended.position);
    }, false);
  });

  it('a live batch does not skip what a rebuild by another process has not reached yet', async () => {
    await withTempRuntime(async (runtime) => {
      const ctx = userContext(runtime);
      const accountId = await runtime.mail.createAccount('gap@example.test', ctx);
      const inbox = await runtime.mail.mailbox(accountId, 'INBOX');
      for (let i = 0; i < 5; i++) await runtime.mail.append(inbox.mailboxId, [newMessage()], ctx);
      await settled(runtime);
      const expected = dumpProjections(runtime);
      // What `postlog rebuild` beside the server leaves half-way: the mailbox view dropped and
      // replayed only up to an early position.
      const halfway = (await runtime.storage.events.headPosition()) - 3;
      const other = new ProjectionRunner(runtime.storage.root, runtime.storage.events, PROJECTIONS, { until: halfway });
      await other.rebuild(['mailboxes']);
      // A new event now reaches the server's runner while the view lags behind it.
      const { position } = await runtime.mail.append(inbox.mailboxId, [newMessage()], ctx);
      await runtime.runner.waitFor(position);
      assert.equal(runtime.mailboxes.status(inbox.mailboxId)!.messages, 6, 'the view has every message, none skipped');
      const live = dumpProjections(runtime).mailboxes;
      assert.ok(expected.mailboxes!.length < live!.length);
      await runtime.runner.rebuild(['mailboxes']);
      assert.deepEqual(live, dumpProjections(runtime).mailboxes, 'the live view equals a full replay of the log');
    });
  });

  it('reports changes and expunges since a MODSEQ', async () => {
    await withTempRuntime(async (runtime) => {
      const ctx = userContext(runtime);
      const accountId = await runtime.mail.createAccount('feed@example.test', ctx);
      const inbox = await runtime.mail.mailbox(accountId, 'INBOX');
      const appended = await runtime.mail.append(inbox.mailboxId, [newMessage(), newMessage(), newMessage()], ctx);
      await runtime.runner.waitFor(appended.position);
      const mark = runtime.mailboxes.status(inbox.mailboxId)!.highestModseq;
      await runtime.mail.store(inbox.mailboxId, [2], 'add', ['\\Seen'], ctx);
      const { position } = await runtime.mail.expunge(inbox.mailboxId, [3], 'expunge', ctx);
      await runtime.runner.waitFor(position);
      const changes = runtime.mailboxes.changesSince(inbox.mailboxId, mark);
      assert.deepEqual(changes.changed.map((m) => [m.uid, m.flags]), [[2, ['\\Seen']]]);
      assert.deepEqual(changes.expunged, [3]);
      assert.equal(changes.highestModseq, mark + 2);
      const status = runtime.mailboxes.status(inbox.mailboxId)!;
      assert.deepEqual([status.messages, status.unseen, status.uidNext], [2, 1, 4]);
    });
  });

  it('shows a deleted parent with children as \\Noselect, and renamed children under the new name', async () => {
    await withTempRuntime(async (runtime) => {
      const ctx = userContext(runtime);
      const accountId = await runtime.mail.createAccount('tree@example.test', ctx);
      await runtime.mail.createMailbox(accountId, 'Projects/Été 2010', ctx);
      await runtime.mail.deleteMailbox(accountId, 'Projects', ctx);
      await runtime.mail.createMailbox(accountId, 'Old', ctx);
      const renamed = await runtime.mail.renameMailbox(accountId, 'Old', 'Older/Old', ctx);
      await runtime.runner.waitFor(await runtime.storage.events.headPosition());
      assert.ok(renamed.length > 0);
      const tree = runtime.accounts.tree(accountId);
      const byName = new Map(tree.map((f) => [f.name, f]));
      assert.deepEqual(byName.get('Projects')!.attributes, ['\\Noselect', '\\HasChildren']);
      assert.equal(byName.get('Projects')!.mailboxId, null);
      assert.deepEqual(byName.get('Projects/Été 2010')!.attributes, ['\\HasNoChildren']);
      assert.deepEqual(byName.get('Sent')!.attributes, ['\\HasNoChildren', '\\Sent']);
      assert.ok(byName.has('Older/Old') && !byName.has('Old'));
    });
  });
});
