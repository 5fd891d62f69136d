// A POP3 client that leaves mail on the server must never download it again: each message's
// UIDL survives `postlog rebuild`, a restart, and an IMAP MOVE out of INBOX and back (new UIDs).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { INBOX } from '../../src/domain/account/names.ts';
import { PASSWORD, sampleMessage, startHarness, type Harness } from './harness.ts';
import { uidlsByMessageId } from './uidl-listing.ts';
import { userContext } from '../helpers/runtime.ts';
import { ImapFlow } from 'imapflow';
import pino from 'pino';
import { imapFrontEnd } from '../../src/frontends/imap/front-end.ts';
import { loadTls } from '../../src/frontends/tls.ts';

const CLI = fileURLToPath(new URL('../../bin/postlog.js', import.meta.url));
const USER = 'keeper@example.test';

/** Message-ID of each message -> its UIDLs (two when two copies of one email are in INBOX). */
const uidlsByMessage = (h: Harness) => uidlsByMessageId(h.pop3, USER, PASSWORD);

function rebuildWithCli(dataDir: string): Promise<string> {
  return new Promise((resolve, reject) =>
    execFile(process.execPath, [CLI, 'rebuild', '--data', dataDir], { env: { ...process.env, POSTLOG_LOG_LEVEL: 'warn' } }, (error, stdout, stderr) =>
      error ? reject(new Error(`${error.message}\n${stderr}`)) : resolve(stdout),
    ),
  );
}

/** An IMAP client moves `uids` from INBOX to Archive, then everything in Archive back. */
async function moveOutAndBack(h: Harness, uids: number[]): Promise<void> {
  const tls = await loadTls(h.config, h.dataDir);
  const imap = await imapFrontEnd.start({ runtime: h.runtime, config: { ...h.config, ports: { ...h.config.ports, imap: 0, imaps: 0 } }, tls, logger: pino({ level: 'silent' }) });
  const port = imap.listeners.find((l) => l.service === 'imap')!.port;
  const client = new ImapFlow({ host: '127.0.0.1', port, secure: false, doSTARTTLS: false, auth: { user: USER, pass: PASSWORD }, logger: false });
  try {
    await client.connect();
    await client.mailboxOpen('INBOX');
    assert.ok(await client.messageMove(uids.join(','), 'Archive', { uid: true }));
    await client.mailboxOpen('Archive');
    assert.ok(await client.messageMove('1:*', 'INBOX', { uid: true }));
    await client.logout();
  } finally {
    client.close();
    await imap.close();
  }
}

describe('POP3 UIDLs never change', () => {
  let h: Harness;
  let accountId: string;

  before(async () => {
    h = await startHarness();
    accountId = await h.addUser(USER);
    for (let i = 1; i <= 6; i++) await h.deliver(accountId, sampleMessage(i));
  });
  after(() => h.stop());

  it('across a rebuild, a restart, and a move out of INBOX and back', async () => {
    const ctx = userContext(h.runtime, accountId);
    const inbox = (await h.runtime.mail.mailbox(accountId, INBOX)).mailboxId;
    // Two copies of one email in INBOX (an IMAP COPY into the same folder does this).
    const [, second] = await h.runtime.mail.uids(inbox);
    await h.runtime.mail.copy(inbox, [second!], inbox, ctx);
    await h.runtime.runner.waitFor(await h.runtime.storage.events.headPosition());

    const before = await uidlsByMessage(h);
    assert.equal(before.size, 6);
    const copies = [...before.values()].find((ids) => ids.length === 2)!;
    assert.ok(copies, 'the copied email has two UIDLs');
    assert.ok(copies.some((id) => !id.includes('.')) && copies.some((id) => /\.[0-9a-f]{8}$/.test(id)), copies.join(' '));

    // `postlog rebuild` on the stopped server's data, then a restart.
    let output = '';
    await h.restart(async () => {
      output = await rebuildWithCli(h.dataDir);
    });
    assert.match(output, /^rebuilt .*mailboxes/m);
    assert.deepEqual(await uidlsByMessage(h), before);

    // A rebuild inside the running server as well.
    await h.runtime.runner.stop();
    await h.runtime.runner.rebuild();
    await h.restart();
    assert.deepEqual(await uidlsByMessage(h), before);

    // Every message that has one copy leaves INBOX and comes back with a new UID, by IMAP MOVE.
    const records = h.runtime.mailboxes.messages(inbox);
    const single = records.filter((r) => records.filter((o) => o.emailId === r.emailId).length === 1).map((r) => r.uid);
    await moveOutAndBack(h, single);
    await h.runtime.runner.waitFor(await h.runtime.storage.events.headPosition());
    const uidsNow = await h.runtime.mail.uids(inbox);
    assert.ok(Math.min(...uidsNow.filter((u) => !records.some((r) => r.uid === u))) > Math.max(...records.map((r) => r.uid)), 'new UIDs');
    assert.deepEqual(await uidlsByMessage(h), before);

    // And once more after a restart on top of all that.
    await h.restart();
    assert.deepEqual(await uidlsByMessage(h), before);
  });
});
