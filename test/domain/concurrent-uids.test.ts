// Two nodes delivering into one mailbox: optimistic concurrency keeps UIDs unique and gapless.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { CommandHandler } from '../../src/domain/command-handler.ts';
import { MailService } from '../../src/domain/mail-service.ts';
import { newMessage } from '../../src/domain/mailbox/fixtures.ts';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { openRuntime } from '../../src/frontends/runtime.ts';
import { tempDir, userContext, withTempRuntime } from '../helpers/runtime.ts';

const execFileAsync = promisify(execFile);

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

  it('from two processes at once, all succeed, with no duplicate UID and no gap', async () => {
    const dir = tempDir();
    try {
      const setup = await openRuntime(dir.path, { follow: true });
      const accountId = await setup.mail.createAccount('shared@example.test', userContext(setup));
      const inbox = (await setup.mail.mailbox(accountId, 'INBOX')).mailboxId;
      await setup.close();
      const writer = fileURLToPath(new URL('./fixtures/append-many.ts', import.meta.url));
      const run = () => execFileAsync(process.execPath, ['--import', 'tsx', writer, dir.path, inbox, '150', '4'], { encoding: 'utf8' });
      const results = (await Promise.all([run(), run()])).map((r) => JSON.parse(r.stdout) as { stored: number; failures: string[] });
      assert.deepEqual(results.map((r) => r.failures), [[], []]);
      const check = await openRuntime(dir.path);
      try {
        const uids = await check.mail.uids(inbox);
        assert.deepEqual(uids, Array.from({ length: 300 }, (_, i) => i + 1));
      } finally {
        await check.close();
      }
    } finally {
      dir.remove();
    }
  });
});
