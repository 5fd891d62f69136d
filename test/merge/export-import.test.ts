// export / import: a whole store or one account moves to another machine through a file, import
// twice changes nothing, and `merge --from FILE` does what `merge --from DIR` does.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync } from 'node:fs';
import { join } from 'node:path';
import { openRuntime } from '../../src/frontends/runtime.ts';
import { postlogCli } from '../helpers/cli.ts';
import { tempDir } from '../helpers/runtime.ts';
import { importExport } from '../../src/store/portable/importer.ts';
import { buildOutage, contents, ctxAt, at, exportTo, mergeInto, snapshot, type Outage } from './fixture.ts';

async function state(dir: string, accountId: string) {
  const r = await openRuntime(dir);
  try {
    return { contents: contents(await snapshot(r, accountId)), head: await r.storage.events.headPosition(), users: r.accounts.accounts().map((a) => a.address).sort() };
  } finally {
    await r.close();
  }
}

describe('export and import', () => {
  const dir = tempDir('postlog-export-');
  let outage: Outage;
  before(async () => {
    outage = await buildOutage(dir.path, { inbox: 20, sent: 5, drafts: 5, project: 10 });
  });
  after(() => dir.remove());

  it('moves a whole store through a file; importing it again changes nothing', async () => {
    const file = join(dir.path, 'a.postlog');
    const target = join(dir.path, 'copy');
    await exportTo(outage.dirA, file);
    const first = await postlogCli(target)(['import', file, '--json']);
    assert.equal(first.code, 0, first.err);
    assert.ok(JSON.parse(first.out).appended > 0);
    const original = await state(outage.dirA, outage.accountId);
    const copied = await state(target, outage.accountId);
    assert.deepEqual(copied.contents, original.contents);
    const r = await openRuntime(target);
    assert.equal((await importExport(file, r.storage)).appended, 0);
    await r.close();
    assert.equal((await state(target, outage.accountId)).head, copied.head);
  });

  it('exports one account with its directory entries only', async () => {
    const other = await openRuntime(outage.dirA);
    await other.directoryService.addUser('dave@example.test', ctxAt(other, at(1)), { password: 'x' });
    await other.close();
    const file = join(dir.path, 'carol.postlog');
    await exportTo(outage.dirA, file, outage.accountId);
    const target = join(dir.path, 'carol-only');
    const r = await openRuntime(target);
    await importExport(file, r.storage);
    await r.close();
    const copied = await state(target, outage.accountId);
    assert.deepEqual(copied.users, ['carol@example.test']);
    assert.deepEqual(copied.contents, (await state(outage.dirA, outage.accountId)).contents);
  });

  it('refuses to import a stream that diverged from ours, pointing at merge', async () => {
    const file = join(dir.path, 'b.postlog');
    await exportTo(outage.dirB, file);
    const head = (await state(outage.dirA, outage.accountId)).head;
    const r = await openRuntime(outage.dirA);
    await assert.rejects(importExport(file, r.storage), /use postlog merge --from FILE instead; nothing was imported/);
    await r.close();
    assert.equal((await state(outage.dirA, outage.accountId)).head, head);
  });

  it('merges from an export file exactly as from the data directory', async () => {
    const file = join(dir.path, 'b.postlog');
    const viaDir = join(dir.path, 'via-dir');
    const viaFile = join(dir.path, 'via-file');
    cpSync(outage.dirA, viaDir, { recursive: true });
    cpSync(outage.dirA, viaFile, { recursive: true });
    await mergeInto(viaDir, outage.dirB);
    const merged = await postlogCli(viaFile)(['merge', '--from', file]);
    assert.equal(merged.code, 0, merged.err);
    assert.match(merged.out, /INBOX/);
    assert.deepEqual((await state(viaFile, outage.accountId)).contents, (await state(viaDir, outage.accountId)).contents);
  });
});
