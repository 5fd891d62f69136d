// The projections' checkpoints are one record (storage schema 3). A data directory of schema 2
// kept one record per projection: after an upgrade it must serve its read models as they were,
// without replaying the log into them (which would make the first start as slow as a rebuild),
// and take new mail.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { spawnSync } from 'node:child_process';
import { openRuntime, PROJECTIONS, type Runtime } from '../../src/frontends/runtime.ts';
import { ProjectionRunner } from '../../src/projections/runner.ts';
import { openLmdbStorage } from '../../src/store/lmdb/open.ts';
import { receiveMessage } from '../../src/domain/message/intake.ts';
import { dumpProjections, settled, tempDir, userContext, addTestUser } from '../helpers/runtime.ts';

async function append(runtime: Runtime, accountId: string, subject: string): Promise<void> {
  const raw = Buffer.from(`From: Ann <ann@example.net>\r\nSubject: ${subject}\r\n\r\nbody\r\n`);
  const received = await receiveMessage(runtime.storage.blobs, Readable.from([raw]));
  const inbox = await runtime.mail.mailbox(accountId, 'INBOX');
  await runtime.mail.append(inbox.mailboxId, [{ ...received, internalDate: new Date().toISOString(), flags: [], source: { kind: 'append' } }], userContext(runtime, accountId));
}

/**
 * Rewrites the checkpoints as schema 2 stored them, in a process of its own (lmdb-js reuses an
 * environment's database handles within a process); returns the sub-database's keys after.
 */
function toSchema2(dataDir: string): string[] {
  const script = `
    import { open } from 'lmdb';
    const root = open(process.argv[1], { maxDbs: 100 });
    root.openDB('meta', {}).putSync('storageSchema', 2);
    const db = root.openDB('projection-checkpoints', { useRecords: false });
    const all = db.get('*');
    for (const [name, checkpoint] of Object.entries(all)) db.putSync(name, checkpoint);
    db.removeSync('*');
    process.stdout.write(JSON.stringify([...db.getKeys({})]));
    root.close();`;
  return keys(spawnSync(process.execPath, ['--input-type=module', '-e', script, join(dataDir, 'postlog.mdb')], { encoding: 'utf8' }));
}

function checkpointKeys(dataDir: string): string[] {
  const script = `
    import { open } from 'lmdb';
    const root = open(process.argv[1], { maxDbs: 100, readOnly: true });
    process.stdout.write(JSON.stringify([...root.openDB('projection-checkpoints', {}).getKeys({})]));`;
  return keys(spawnSync(process.execPath, ['--input-type=module', '-e', script, join(dataDir, 'postlog.mdb')], { encoding: 'utf8' }));
}

function keys(run: ReturnType<typeof spawnSync>): string[] {
  if (run.status !== 0) throw new Error(String(run.stderr));
  return JSON.parse(String(run.stdout)) as string[];
}

describe('projection checkpoints', () => {
  it('a directory with schema 2 checkpoints is read as it was, takes new mail, then keeps one record', async () => {
    const dir = tempDir();
    try {
      let runtime = await openRuntime(dir.path, { follow: true });
      const accountId = await addTestUser(runtime, 'ann@example.test', 'pw-for-ann');
      for (let i = 0; i < 3; i++) await append(runtime, accountId, `old-${i}`);
      await settled(runtime);
      const names = runtime.runner.names();
      const before = dumpProjections(runtime);
      await runtime.close();
      assert.deepEqual(checkpointKeys(dir.path), ['*']);

      assert.deepEqual(toSchema2(dir.path), [...names].sort());

      // Read as they were: nothing to catch up on, so no event is read or applied again (a
      // replay of the whole log would make the first start after an upgrade as slow as a rebuild).
      const storage = await openLmdbStorage(dir.path);
      try {
        const head = await storage.events.headPosition();
        assert.ok(head > 3);
        assert.equal(new ProjectionRunner(storage.root, storage.events, PROJECTIONS).position, head);
      } finally {
        await storage.close();
      }

      runtime = await openRuntime(dir.path, { follow: true });
      try {
        await settled(runtime);
        assert.deepEqual(dumpProjections(runtime), before);
        await append(runtime, accountId, 'new-0');
        await settled(runtime);
        const inbox = await runtime.mail.mailbox(accountId, 'INBOX');
        const messages = runtime.mailboxes.messages(inbox.mailboxId);
        assert.deepEqual(messages.map((m) => [m.uid, m.summary.envelope.subject]), [
          [1, 'old-0'],
          [2, 'old-1'],
          [3, 'old-2'],
          [4, 'new-0'],
        ]);
        assert.equal(runtime.mailboxes.status(inbox.mailboxId)?.messages, 4);
      } finally {
        await runtime.close();
      }
      assert.deepEqual(checkpointKeys(dir.path), ['*']);
    } finally {
      dir.remove();
    }
  });
});
