// `postlog merge` beside a running server: the server keeps delivering while the merge appends
// from another process, and its read models (what IMAP and POP3 serve) follow to the merged state.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { openRuntime, type Runtime } from '../../src/frontends/runtime.ts';
import { postlogCli } from '../helpers/cli.ts';
import { settled, tempDir } from '../helpers/runtime.ts';
import { buildOutage, mergeInto, put, type Outage } from './fixture.ts';

describe('merge while the server runs', () => {
  const dir = tempDir('postlog-merge-live-');
  let outage: Outage;
  let server: Runtime;
  before(async () => {
    outage = await buildOutage(dir.path, { inbox: 40, sent: 5, drafts: 5, project: 10 });
    server = await openRuntime(outage.dirA, { follow: true });
  });
  after(async () => {
    await server.close();
    dir.remove();
  });

  it('merges from another process while deliveries go on; the live views show every message once', async () => {
    // Deliveries go on for as long as the merge runs in the other process.
    let done = false;
    const merging = postlogCli(outage.dirA)(['merge', '--from', outage.dirB]).finally(() => (done = true));
    const live: string[] = [];
    while (!done) {
      live.push(`live-${live.length + 1}`);
      await put(server, outage.accountId, 'INBOX', [live.at(-1)!], 20_000 + live.length);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    const result = await merging;
    assert.equal(result.code, 0, result.err);
    // The server's own runner follows the other process's appends (no catch-up forced here).
    const inboxId = (await server.mail.mailbox(outage.accountId, 'INBOX')).mailboxId;
    const subjects = () => server.mailboxes.messages(inboxId).map((m) => m.summary.subject ?? '');
    const deadline = Date.now() + 10_000;
    while (!subjects().includes('b-new-1') && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    await settled(server);
    const inbox = subjects();
    assert.deepEqual(inbox.slice().sort(), [...outage.expected.get('INBOX')!, ...live].sort());
    assert.equal((await mergeInto(outage.dirA, outage.dirB)).appended, 0, 'nothing left to merge');
  });
});
