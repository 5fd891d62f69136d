// A message as FETCH and SEARCH read it: the summary alone without the record, and Vanished
// (not a crash) for a message that is gone, on a real store.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MailboxView, mailboxProjection } from '../../projections/mailbox-view.ts';
import { projectionDb } from '../../projections/projection.ts';
import { addTestUser, adminContext, deliverRaw, settled, withTempRuntime } from '../../../test/helpers/runtime.ts';
import { MessageSource, Vanished } from './targets.ts';

test('a message source gives the summary and the record, and Vanished once the message is expunged', async () => {
  await withTempRuntime(async (runtime) => {
    const accountId = await addTestUser(runtime, 'ann@example.test', 'pw-ann-123456');
    const { uid } = await deliverRaw(runtime, accountId, 'From: Bob <bob@example.net>\r\nSubject: quarterly figures\r\n\r\nbody\r\n');
    const inbox = await runtime.mail.mailbox(accountId, 'INBOX');
    const source = new MessageSource(runtime.mailboxes, inbox.mailboxId, uid);
    assert.equal(source.summary().envelope.subject, 'quarterly figures');
    assert.equal(source.record().uid, uid);

    await runtime.mail.expunge(inbox.mailboxId, [uid], 'expunge', adminContext(runtime));
    await settled(runtime);
    // A view that never read the summary (another process, or after a restart) finds nothing.
    const fresh = new MailboxView(projectionDb(runtime.storage.root, mailboxProjection));
    const gone = new MessageSource(fresh, inbox.mailboxId, uid);
    assert.throws(() => gone.summary(), Vanished);
    assert.throws(() => gone.record(), Vanished);
    assert.throws(() => new MessageSource(fresh, inbox.mailboxId, uid + 41).summary(), Vanished);
  });
});
