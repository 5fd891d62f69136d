// Read models, checkpoints and blob manifests are stored as plain MessagePack maps (storage
// schema 2). A data directory of schema 1, written with lmdb-js's default (msgpackr records that
// carry their own definition), must keep serving without a rebuild: what a user would notice if
// this broke is a server that, after an upgrade, shows a mailbox wrong or cannot read a message.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { spawnSync } from 'node:child_process';
import { openRuntime, type Runtime } from '../../src/frontends/runtime.ts';
import { receiveMessage } from '../../src/domain/message/intake.ts';
import { STORAGE_SCHEMA } from '../../src/store/lmdb/open.ts';
import { mergeInto } from '../merge/fixture.ts';
import { dumpProjections, settled, tempDir, userContext, addTestUser } from '../helpers/runtime.ts';

async function append(runtime: Runtime, accountId: string, subject: string, flags: string[]): Promise<void> {
  const raw = Buffer.from(`From: Ann <ann@example.net>\r\nSubject: ${subject}\r\nMessage-ID: <${subject}@example.net>\r\n\r\nbody\r\n`);
  const received = await receiveMessage(runtime.storage.blobs, Readable.from([raw]));
  const inbox = await runtime.mail.mailbox(accountId, 'INBOX');
  await runtime.mail.append(inbox.mailboxId, [{ ...received, internalDate: new Date().toISOString(), flags, source: { kind: 'append' } }], userContext(runtime, accountId));
}

/** What a merge reads of the other store besides its log: the blob manifests. */
const DATA_DBS = ['blobs', 'blobUploads'];

/** The storage schema a data directory records, read in a process of its own. */
function recordedSchema(dataDir: string): number {
  const script = `
    import { open } from 'lmdb';
    const root = open(process.argv[1], { maxDbs: 100, readOnly: true });
    process.stdout.write(String(root.openDB('meta', {}).get('storageSchema')));`;
  return Number(spawnSync(process.execPath, ['--input-type=module', '-e', script, join(dataDir, 'postlog.mdb')], { encoding: 'utf8' }).stdout);
}

/**
 * Rewrites every value of these sub-databases the way lmdb-js encodes by default (records),
 * in a process of its own (lmdb-js reuses an environment's database handles within a process).
 * Returns how many values came out in a form other than plain maps.
 */
function rewriteAsRecords(dataDir: string, names: readonly string[] = DATA_DBS): number {
  const script = `
    import { open } from 'lmdb';
    import { Packr } from 'msgpackr';
    const plain = new Packr({ useRecords: false });
    const [path, ...names] = process.argv.slice(1);
    const root = open(path, { maxDbs: 100 });
    root.openDB('meta', {}).putSync('storageSchema', 1);
    let records = 0;
    for (const name of names) {
      const db = root.openDB(name, {});
      for (const { key, value } of [...db.getRange({})]) {
        db.putSync(key, value);
        if (!db.getBinary(key).equals(plain.pack(value))) records++;
      }
    }
    root.close();
    process.stdout.write(String(records));`;
  const run = spawnSync(process.execPath, ['--input-type=module', '-e', script, join(dataDir, 'postlog.mdb'), ...names], { encoding: 'utf8' });
  if (run.status !== 0) throw new Error(run.stderr);
  return Number(run.stdout);
}

describe('lmdb: value format of read models', () => {
  it('a data directory whose read models hold msgpackr records serves them unchanged and takes new mail', async () => {
    const dir = tempDir();
    try {
      let runtime = await openRuntime(dir.path, { follow: true });
      const accountId = await addTestUser(runtime, 'ann@example.test', 'pw-for-ann');
      for (let i = 0; i < 5; i++) await append(runtime, accountId, `old-${i}`, i % 2 ? ['\\Seen', '$Work'] : []);
      await settled(runtime);
      const before = dumpProjections(runtime);
      const names = [...runtime.runner.names().map((n) => `projection:${n}`), 'projection-checkpoints', ...DATA_DBS];
      await runtime.close();

      // Not a vacuous rewrite: the five message records at least are now in the other encoding.
      assert.ok(rewriteAsRecords(dir.path, names) >= 5);

      runtime = await openRuntime(dir.path, { follow: true });
      try {
        assert.equal(runtime.storage.root.openDB('meta', {}).get('storageSchema'), STORAGE_SCHEMA);
        assert.deepEqual(dumpProjections(runtime), before);
        await append(runtime, accountId, 'new-0', ['\\Flagged']);
        await settled(runtime);
        const inbox = await runtime.mail.mailbox(accountId, 'INBOX');
        const messages = runtime.mailboxes.messages(inbox.mailboxId);
        assert.deepEqual(messages.map((m) => [m.uid, m.summary.envelope.subject, m.flags]), [
          [1, 'old-0', []],
          [2, 'old-1', ['\\Seen', '$Work']],
          [3, 'old-2', []],
          [4, 'old-3', ['\\Seen', '$Work']],
          [5, 'old-4', []],
          [6, 'new-0', ['\\Flagged']],
        ]);
        assert.equal(runtime.mailboxes.status(inbox.mailboxId)?.uidNext, 7);
        // The blob manifests read as well: a message's bytes come back.
        const chunks: Buffer[] = [];
        for await (const chunk of runtime.storage.blobs.get(messages[0]!.blobId)) chunks.push(chunk as Buffer);
        assert.match(Buffer.concat(chunks).toString(), /Subject: old-0/);
      } finally {
        await runtime.close();
      }
    } finally {
      dir.remove();
    }
  });

  it('a schema 1 directory merged from gives its mail and keeps its schema, so the postlog that owns it still opens it', async () => {
    const source = tempDir();
    const target = tempDir();
    try {
      let runtime = await openRuntime(source.path, { follow: true });
      const accountId = await addTestUser(runtime, 'ann@example.test', 'pw-for-ann');
      await append(runtime, accountId, 'from-the-old-store', ['\\Seen']);
      await runtime.close();
      assert.ok(rewriteAsRecords(source.path) >= 1);
      assert.equal(recordedSchema(source.path), 1);

      const report = await mergeInto(target.path, source.path);
      assert.ok(report.appended > 0);
      assert.equal(recordedSchema(source.path), 1);

      runtime = await openRuntime(target.path, { follow: true });
      try {
        const ann = await runtime.mail.accountOf('ann@example.test');
        const inbox = await runtime.mail.mailbox(ann!, 'INBOX');
        const [message] = runtime.mailboxes.messages(inbox.mailboxId);
        assert.equal(message?.summary.envelope.subject, 'from-the-old-store');
        const chunks: Buffer[] = [];
        for await (const chunk of runtime.storage.blobs.get(message!.blobId)) chunks.push(chunk as Buffer);
        assert.match(Buffer.concat(chunks).toString(), /Subject: from-the-old-store/);
      } finally {
        await runtime.close();
      }
    } finally {
      source.remove();
      target.remove();
    }
  });
});
