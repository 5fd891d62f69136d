// imapflow, a real client, against postlog: every command it issues, several sessions on one
// mailbox, IDLE woken by an SMTP delivery, names with spaces and non-ASCII characters.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import nodemailer from 'nodemailer';
import { message, startHarness, type Harness } from './harness.ts';

const USER = 'flow@example.test';

describe('imapflow against postlog', () => {
  let h: Harness;
  let accountId: string;
  before(async () => {
    h = await startHarness({}, { smtp: true });
    accountId = await h.addUser(USER);
  });
  after(() => h.stop());

  it('lists the default folders with special use, namespace and server id', async () => {
    const c = await h.client(USER);
    const folders = await c.list();
    assert.deepEqual(
      folders.map((f) => [f.path, f.specialUse]).sort(),
      [['Archive', '\\Archive'], ['Drafts', '\\Drafts'], ['INBOX', '\\Inbox'], ['Junk', '\\Junk'], ['Sent', '\\Sent'], ['Trash', '\\Trash']],
    );
    assert.equal(c.namespace?.delimiter, '/');
    assert.equal(c.serverInfo?.name, 'postlog');
    await c.logout();
  });

  it('creates, renames, subscribes and deletes folders with spaces and non-ASCII names', async () => {
    const c = await h.client(USER);
    await c.mailboxCreate('Projects/Année 2026');
    await c.mailboxCreate(['Projects', 'Ünïcødé & "quotes"']);
    await c.mailboxRename('Projects/Année 2026', 'Projects/日本語 folder');
    await c.mailboxSubscribe('Projects/日本語 folder');
    const names = (await c.list()).map((f) => f.path);
    assert.ok(names.includes('Projects/日本語 folder'), names.join());
    assert.ok(names.includes('Projects/Ünïcødé & "quotes"'));
    assert.ok(!names.includes('Projects/Année 2026'));
    const subscribed = (await c.list()).filter((f) => f.subscribed).map((f) => f.path);
    assert.ok(subscribed.includes('Projects/日本語 folder'));
    const appended = await c.append('Projects/日本語 folder', message(1), ['\\Seen']);
    assert.ok(appended && appended.uid === 1);
    const status = await c.status('Projects/日本語 folder', { messages: true, unseen: true, uidNext: true });
    assert.ok(status);
    assert.deepEqual([status.messages, status.unseen, status.uidNext], [1, 0, 2]);
    await c.mailboxDelete('Projects/日本語 folder');
    assert.ok(!(await c.list()).some((f) => f.path === 'Projects/日本語 folder'));
    assert.equal((await c.mailboxCreate('INBOX')).created, false); // imapflow reads [ALREADYEXISTS]
    await c.logout();
  });

  it('appends with flags and a date, fetches everything, stores and searches', async () => {
    const c = await h.client(USER);
    await c.mailboxCreate('Work');
    const date = new Date('2024-03-05T09:00:00Z');
    await c.append('Work', message(2, { subject: 'Quarterly report', body: 'Caf\u00e9 numbers inside' }), ['$Important'], date);
    await c.append('Work', message(3, { subject: 'Lunch?' }));
    const lock = await c.getMailboxLock('Work');
    try {
      const all = [];
      for await (const m of c.fetch('1:*', { uid: true, flags: true, envelope: true, bodyStructure: true, internalDate: true, size: true, source: true, headers: ['subject'], bodyParts: ['1'] })) all.push(m);
      assert.deepEqual(all.map((m) => m.envelope?.subject), ['Quarterly report', 'Lunch?']);
      // Just appended, so recent in this first session to select Work; STORE leaves \Recent be.
      assert.deepEqual([...all[0]!.flags!], ['$Important', '\\Recent']);
      assert.equal(new Date(all[0]!.internalDate as Date).toISOString(), date.toISOString());
      assert.equal(all[0]!.bodyStructure?.childNodes?.[0]?.type, 'text/plain');
      assert.equal(all[0]!.source?.toString(), message(2, { subject: 'Quarterly report', body: 'Caf\u00e9 numbers inside' }).replace(/<m2\.[^>]+>/, all[0]!.envelope!.messageId!));
      assert.match(all[0]!.headers!.toString(), /^Subject: Quarterly report\r\n/);
      assert.equal(all[0]!.bodyParts!.get('1')!.toString(), 'Café numbers inside');
      assert.equal(all[0]!.size, all[0]!.source!.length);

      await c.messageFlagsAdd('1:2', ['\\Flagged']);
      await c.messageFlagsRemove('1', ['$Important']);
      await c.messageFlagsSet('2', ['\\Answered', '\\Flagged'], { uid: true });
      const flags = [];
      for await (const m of c.fetch('1:*', { flags: true })) flags.push([...m.flags!].sort());
      assert.deepEqual(flags, [['\\Flagged', '\\Recent'], ['\\Answered', '\\Flagged', '\\Recent']]);

      assert.deepEqual(await c.search({ flagged: true }), [1, 2]);
      assert.deepEqual(await c.search({ answered: false }), [1]);
      assert.deepEqual(await c.search({ subject: 'report' }), [1]);
      assert.deepEqual(await c.search({ body: 'café' }), [1]);
      assert.deepEqual(await c.search({ or: [{ subject: 'lunch' }, { since: new Date('2026-01-01') }] }, { uid: true }), [2]);
      assert.deepEqual(await c.search({ larger: 100000 }), []);
      assert.deepEqual(await c.search({ header: { 'message-id': '@example.net' } }), [1, 2]);
    } finally {
      lock.release();
    }
    await c.logout();
  });

  it('copies and moves with COPYUID, deletes with EXPUNGE', async () => {
    const c = await h.client(USER);
    await c.mailboxCreate('Copies');
    const lock = await c.getMailboxLock('Work');
    try {
      const copied = await c.messageCopy('1:2', 'Copies');
      assert.ok(copied);
      assert.deepEqual([...copied.uidMap!], [[1, 1], [2, 2]]);
      const moved = await c.messageMove('1', 'Trash');
      assert.ok(moved);
      assert.equal(moved.uidMap!.size, 1);
      assert.equal(c.mailbox && c.mailbox.exists, 1);
      assert.ok(await c.messageDelete('1'));
      assert.equal(c.mailbox && c.mailbox.exists, 0);
    } finally {
      lock.release();
    }
    const copies = await c.status('Copies', { messages: true });
    assert.equal(copies && copies.messages, 2);
    await c.mailboxOpen('Copies');
    assert.equal(await c.messageCopy('1', 'Nowhere'), false); // NO [TRYCREATE]
    await c.logout();
  });

  it('two sessions on one mailbox see each other\u2019s appends, flag changes and expunges', async () => {
    await h.deliver(accountId, message(10));
    await h.deliver(accountId, message(11));
    const a = await h.client(USER);
    const b = await h.client(USER);
    await a.mailboxOpen('INBOX');
    await b.mailboxOpen('INBOX');
    const seen: string[] = [];
    b.on('flags', (e) => seen.push(`flags ${e.seq} ${[...e.flags].join(',')}`));
    b.on('expunge', (e) => seen.push(`expunge ${e.seq}`));
    b.on('exists', (e) => seen.push(`exists ${e.count}`));
    await a.messageFlagsAdd('2', ['\\Seen']);
    await a.append('INBOX', message(12));
    await a.messageDelete('1');
    await b.noop();
    assert.deepEqual(seen, ['expunge 1', 'exists 2', 'flags 1 \\Seen']);
    const uids = [];
    for await (const m of b.fetch('1:*', { uid: true })) uids.push(m.uid);
    assert.equal(uids.length, 2);
    await a.logout();
    await b.logout();
  });

  it('IDLE reports an SMTP delivery within a second', async () => {
    const c = await h.client(USER);
    await c.mailboxOpen('INBOX');
    const before = c.mailbox ? c.mailbox.exists : 0;
    const woke = new Promise<{ count: number; at: number }>((resolve) => c.on('exists', (e) => resolve({ count: e.count, at: Date.now() })));
    const idling = c.idle();
    await new Promise((r) => setTimeout(r, 100));
    const transport = nodemailer.createTransport({ host: '127.0.0.1', port: h.smtp, secure: false, ignoreTLS: true });
    await transport.sendMail({ from: 'someone@example.net', to: USER, subject: 'ping', text: 'wake up' });
    // From the 250 (the delivery is durable) to the EXISTS; it may even come first.
    const delivered = Date.now();
    const { count, at } = await woke;
    assert.equal(count, before + 1);
    assert.ok(at - delivered < 1000, `IDLE woke ${at - delivered} ms after the delivery`);
    await c.noop(); // ends IDLE
    await idling;
    await c.logout();
  });

  it('logs in over implicit TLS', async () => {
    const c = await h.client(USER, { secure: true });
    assert.ok(c.usable);
    await c.logout();
  });
});
