// Snapshots of a mailbox's decided state: after a restart, the first command on a long mailbox
// starts from the snapshot and reads only what came after it; a snapshot that does not match the
// log, or cannot be read, is not used, so UIDs stay right whatever is in the snapshot store.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { CommandHandler } from '../../src/domain/command-handler.ts';
import { MailService } from '../../src/domain/mail-service.ts';
import { mailboxStream } from '../../src/domain/mailbox/events.ts';
import { newMessage } from '../../src/domain/mailbox/fixtures.ts';
import type { EventStore } from '../../src/store/event-store.ts';
import { LmdbSnapshots } from '../../src/store/lmdb/snapshots.ts';
import { openRuntime, type Runtime } from '../../src/frontends/runtime.ts';
import { tempDir, userContext, withTempRuntime } from '../helpers/runtime.ts';

/** The store, counting the events its streams hand back. */
function counting(store: EventStore): { store: EventStore; read: () => number } {
  let read = 0;
  const readStream: EventStore['readStream'] = async (stream, options) => {
    const events = await store.readStream(stream, options);
    read += events.length;
    return events;
  };
  const wrapped = new Proxy(store, {
    get: (target, key) => (key === 'readStream' ? readStream : (Reflect.get(target, key) as unknown as (...a: unknown[]) => unknown)?.bind?.(target)),
  });
  return { store: wrapped, read: () => read };
}

/** A mailbox with 25 messages, 3 expunged and 5 seen, written by a handler that snapshots every 10 events. */
async function longMailbox(runtime: Runtime) {
  const ctx = userContext(runtime);
  const accountId = await runtime.mail.createAccount('long@example.test', ctx);
  const { mailboxId } = await runtime.mail.mailbox(accountId, 'INBOX');
  const snapshots = new LmdbSnapshots(runtime.storage.root);
  const first = new MailService(new CommandHandler(runtime.storage.events, { snapshots, snapshotEvery: 10 }), runtime.mailboxes);
  for (let i = 0; i < 25; i++) await first.append(mailboxId, [newMessage()], ctx);
  await first.expunge(mailboxId, [3], 'expunge', ctx);
  await first.store(mailboxId, [5], 'add', ['\\Seen'], ctx);
  await runtime.storage.root.flushed;
  return { mailboxId, snapshots, stream: mailboxStream(mailboxId), revision: await runtime.storage.events.streamRevision(mailboxStream(mailboxId)) };
}

describe('mailbox snapshots', () => {
  it('a fresh handler starts from the snapshot, reads only the events after it, and decides as with a full replay', async () => {
    await withTempRuntime(async (runtime) => {
      const { mailboxId, snapshots, stream, revision } = await longMailbox(runtime);
      const snapshot = snapshots.get(stream);
      assert.ok(snapshot, 'a snapshot was stored');
      assert.ok(snapshot.revision >= 10 && snapshot.revision < revision, `snapshot at ${snapshot.revision}, stream at ${revision}`);
      const { store, read } = counting(runtime.storage.events);
      const later = new MailService(new CommandHandler(store, { snapshots }), runtime.mailboxes);
      const ctx = userContext(runtime);
      // The restored state knows what was expunged and what is already seen.
      assert.equal((await later.store(mailboxId, [3], 'add', ['\\Flagged'], ctx)).events.length, 0);
      assert.equal((await later.store(mailboxId, [5], 'add', ['\\Seen'], ctx)).events.length, 0);
      assert.deepEqual((await later.append(mailboxId, [newMessage()], ctx)).uids, [26]);
      // the event at the snapshot's revision (checked) and those after it; a full replay reads 28
      assert.ok(read() <= revision - snapshot.revision + 1, `read ${read()} events`);
    });
  });

  for (const [what, spoil] of [
    ['names another event', (s: Record<string, unknown>) => ({ ...s, eventId: '0190c6a0-0000-7000-8000-000000000000' })],
    ['is of another format', (s: Record<string, unknown>) => ({ ...s, version: 999 })],
    ['cannot be decoded', (s: Record<string, unknown>) => ({ ...s, data: { ...(s.data as object), uids: [1, 2] } })],
  ] as const) {
    it(`a snapshot that ${what} is not used: the log is replayed and UIDs go on from the right one`, async () => {
      await withTempRuntime(async (runtime) => {
        const { mailboxId, snapshots, stream } = await longMailbox(runtime);
        const good = snapshots.get(stream)!;
        // What it claims: a mailbox not created yet, which no later event of the log corrects.
        // Used, the append below would be refused as for a mailbox that does not exist.
        const lying = { ...good, data: { ...(good.data as object), initialized: false } };
        snapshots.put(stream, spoil(lying) as typeof good);
        await runtime.storage.root.flushed;
        const later = new MailService(new CommandHandler(runtime.storage.events, { snapshots }), runtime.mailboxes);
        const ctx = userContext(runtime);
        assert.deepEqual((await later.append(mailboxId, [newMessage()], ctx)).uids, [26]);
        assert.equal((await later.store(mailboxId, [3], 'add', ['\\Flagged'], ctx)).events.length, 0);
      });
    });
  }

  it('the server keeps them: after a restart, a mailbox of 1,200 messages is decided from its snapshot', async () => {
    const dir = tempDir();
    try {
      let runtime = await openRuntime(dir.path, { follow: true });
      const ctx = userContext(runtime);
      const accountId = await runtime.mail.createAccount('big@example.test', ctx);
      const { mailboxId } = await runtime.mail.mailbox(accountId, 'INBOX');
      for (let i = 0; i < 12; i++) await runtime.mail.append(mailboxId, Array.from({ length: 100 }, () => newMessage()), ctx);
      await runtime.storage.root.flushed;
      await runtime.close();

      runtime = await openRuntime(dir.path, { follow: true });
      const snapshot = new LmdbSnapshots(runtime.storage.root).get(mailboxStream(mailboxId));
      assert.ok(snapshot && snapshot.revision >= 1000, `snapshot: ${JSON.stringify(snapshot && { ...snapshot, data: '...' })}`);
      assert.deepEqual((await runtime.mail.append(mailboxId, [newMessage()], userContext(runtime))).uids, [1201]);
      await runtime.close();
    } finally {
      dir.remove();
    }
  });
});
