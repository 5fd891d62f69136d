// Two nodes delivering into one mailbox: optimistic concurrency keeps UIDs unique and gapless.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { CommandHandler } from '../../src/domain/command-handler.ts';
import { MailService } from '../../src/domain/mail-service.ts';
import { newMessage } from '../../src/domain/mailbox/fixtures.ts';
import { userContext, withTempRuntime } from '../helpers/runtime.ts';

describe('concurrent appends to one mailbox', () => {
  it('give no duplicate UID and no gap, with MODSEQ strictly increasing', async () => {
    await withTempRuntime(async (runtime) => {
      const ctx = userContext(runtime);
      const accountId = await runtime.mail.createAccount('busy@example.test', ctx);
      const inbox = await runtime.mail.mailbox(accountId, 'INBOX');
      // Three writers with their own caches, as three nodes over one log would be.
      const nodes = [0, 1, 2].map(() => new MailService(new CommandHandler(runtime.storage.events, { maxAttempts: 50 }), runtime.mailboxes));
      const results = await Promise.all(
        Array.from({ length: 60 }, (_, i) => nodes[i % 3]!.append(inbox.mailboxId, [newMessage()], ctx)),
      );
      const uids = results.flatMap((r) => r.uids).sort((a, b) => a - b);
      assert.deepEqual(uids, Array.from({ length: 60 }, (_, i) => i + 1));
      const events = await runtime.storage.events.readStream(`mailbox-${inbox.mailboxId}`);
      const modseqs = events.flatMap((r) => ('modseq' in (r.event.data as object) ? [(r.event.data as { modseq: number }).modseq] : []));
      for (let i = 1; i < modseqs.length; i++) assert.ok(modseqs[i]! > modseqs[i - 1]!);
    });
  });
});
