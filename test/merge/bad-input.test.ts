// Bad input (issue 7, must-show 4): an incompatible store, a truncated or newer export file, and a
// merge killed half-way. Each ends with a clear message and an intact store.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { v7 as uuidv7 } from 'uuid';
import { open } from 'lmdb';
import { openRuntime } from '../../src/frontends/runtime.ts';
import { STORAGE_SCHEMA } from '../../src/store/lmdb/open.ts';
import { BIN, postlogCli } from '../helpers/cli.ts';
import { tempDir } from '../helpers/runtime.ts';
import { importExport } from '../../src/store/portable/importer.ts';
import { at, contents, ctxAt, mergeInto, put, snapshot, USER } from './fixture.ts';

const FOLDERS = 40;

/** A with FOLDERS folders of two messages, copied to B, then one new message in each folder on each side. */
async function diverged(root: string): Promise<{ dirA: string; dirB: string; accountId: string }> {
  const [dirA, dirB] = [join(root, 'A'), join(root, 'B')];
  const a = await openRuntime(dirA);
  await a.directoryService.addDomain('example.test', ctxAt(a, at(0)));
  const accountId = await a.directoryService.addUser(USER, ctxAt(a, at(0)), { password: 'secret' });
  for (let i = 0; i < FOLDERS; i++) {
    await a.mail.createMailbox(accountId, `Folder ${i}`, ctxAt(a, at(1)));
    await put(a, accountId, `Folder ${i}`, [`f${i}-1`, `f${i}-2`], 10 + i * 3);
  }
  await a.close();
  cpSync(dirA, dirB, { recursive: true });
  writeFileSync(join(dirB, 'node-id'), `node-${uuidv7()}\n`);
  for (const [dir, side] of [[dirA, 'a'], [dirB, 'b']] as const) {
    const r = await openRuntime(dir);
    for (let i = 0; i < FOLDERS; i++) await put(r, accountId, `Folder ${i}`, [`f${i}-${side}`], 1000 + i);
    await r.close();
  }
  return { dirA, dirB, accountId };
}

async function headOf(dir: string): Promise<number> {
  const r = await openRuntime(dir);
  try {
    return await r.storage.events.headPosition();
  } finally {
    await r.close();
  }
}

describe('merge, export and import refuse bad input and survive a kill', () => {
  const dir = tempDir('postlog-merge-bad-');
  let stores: { dirA: string; dirB: string; accountId: string };
  before(async () => {
    stores = await diverged(dir.path);
  });
  after(() => dir.remove());

  it('refuses a store with an incompatible schema, changing nothing', async () => {
    const newer = join(dir.path, 'newer');
    cpSync(stores.dirB, newer, { recursive: true });
    const env = open(join(newer, 'postlog.mdb'), { maxDbs: 100 });
    env.openDB('meta', {}).putSync('storageSchema', 99);
    await env.close();
    const head = await headOf(stores.dirA);
    const result = await postlogCli(stores.dirA)(['merge', '--from', newer]);
    assert.equal(result.code, 1);
    assert.match(result.err, new RegExp(`has storage schema 99, this postlog supports up to ${STORAGE_SCHEMA}: upgrade postlog`));
    assert.doesNotMatch(result.err, /at .*\.ts:\d+/, 'no stack trace');
    assert.equal(await headOf(stores.dirA), head);
  });

  it('refuses a truncated, altered or newer export file, changing nothing', async () => {
    const file = join(dir.path, 'b.postlog');
    const exported = await postlogCli(stores.dirB)(['export', '--out', file]);
    assert.equal(exported.code, 0, exported.err);
    const text = readFileSync(file, 'utf8');
    const lines = text.trimEnd().split('\n');
    const cases: [string, string, RegExp][] = [
      ['truncated', lines.slice(0, Math.floor(lines.length / 2)).join('\n') + '\n', /is truncated: it ends after \d+ lines without its closing line/],
      ['cut mid-line', text.slice(0, Math.floor(text.length * 0.7)), /line \d+ is not a JSON object: the file is damaged|is truncated/],
      ['altered', text.replace('f1-b', 'f1-x'), /fails its checksum/],
      ['newer', text.replace('"version":1', '"version":2'), /export format version 2; this postlog reads up to 1: upgrade postlog/],
    ];
    const fresh = join(dir.path, 'fresh');
    const head = await headOf(stores.dirA);
    for (const [what, content, message] of cases) {
      const bad = join(dir.path, `${what}.postlog`);
      writeFileSync(bad, content);
      if (what === 'truncated') {
        // As an admin sees it: one line on stderr, exit code 1.
        const result = await postlogCli(stores.dirA)(['merge', '--from', bad]);
        assert.equal(result.code, 1, what);
        assert.match(result.err, message, what);
      }
      const r = await openRuntime(fresh);
      await assert.rejects(importExport(bad, r.storage), message, what);
      await r.close();
      await assert.rejects(mergeInto(stores.dirA, bad), message, what);
    }
    assert.equal(await headOf(fresh), 0, 'nothing imported');
    assert.equal(await headOf(stores.dirA), head, 'nothing merged');
  });

  it('finishes a merge killed half-way when run again, with nothing doubled', async () => {
    const reference = join(dir.path, 'reference');
    const killed = join(dir.path, 'killed');
    cpSync(stores.dirA, reference, { recursive: true });
    cpSync(stores.dirA, killed, { recursive: true });
    await mergeInto(reference, stores.dirB);

    // Killed as soon as the first stream is merged.
    const child = spawn(process.execPath, [BIN, '--data', killed, 'merge', '--from', stores.dirB], { env: { ...process.env, POSTLOG_CONFIG: '' } });
    await new Promise<void>((resolve) => {
      child.stderr.on('data', (d: Buffer) => {
        if (String(d).includes('mailbox-')) child.kill('SIGKILL');
      });
      child.on('close', () => resolve());
    });
    assert.equal(child.signalCode, 'SIGKILL');
    const dry = await mergeInto(killed, stores.dirB, true);
    const left = dry.mailboxes.filter((m: { added: number }) => m.added > 0).length;
    assert.ok(left > 0 && left < FOLDERS, `the kill left part of the merge undone (${left} of ${FOLDERS} folders to go)`);

    const again = await postlogCli(killed)(['merge', '--from', stores.dirB, '--json']);
    assert.equal(again.code, 0, again.err);
    const [r1, r2] = [await openRuntime(reference), await openRuntime(killed)];
    const [s1, s2] = [await snapshot(r1, stores.accountId), await snapshot(r2, stores.accountId)];
    await Promise.all([r1.close(), r2.close()]);
    assert.deepEqual(contents(s2), contents(s1));
    for (const [name, m] of s2) {
      const subjects = m.messages.map((x) => x.subject);
      assert.equal(new Set(subjects).size, subjects.length, `${name}: doubled`);
    }
    assert.equal((await mergeInto(killed, stores.dirB)).appended, 0);
  });
});
