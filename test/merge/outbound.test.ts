// Mail queued for a remote recipient on the other store during the outage still goes out after
// `postlog merge`: the queue item comes over with the message bytes it sends.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buffer } from 'node:stream/consumers';
import { Readable } from 'node:stream';
import { v7 as uuidv7 } from 'uuid';
import { outboundDecider } from '../../src/domain/outbound/decider.ts';
import { outboundStream } from '../../src/domain/outbound/events.ts';
import { openRuntime } from '../../src/frontends/runtime.ts';
import { postlogCli } from '../helpers/cli.ts';
import { adminContext, tempDir } from '../helpers/runtime.ts';

describe('merge of the outbound queue', () => {
  const dir = tempDir('postlog-merge-outbound-');
  after(() => dir.remove());

  it('brings over mail queued on the other store with the bytes the relay will send', async () => {
    const [dirA, dirB] = [join(dir.path, 'A'), join(dir.path, 'B')];
    const a = await openRuntime(dirA);
    await a.close();
    cpSync(dirA, dirB, { recursive: true });
    writeFileSync(join(dirB, 'node-id'), `node-${uuidv7()}\n`);

    const bytes = Buffer.from('From: carol@example.test\r\nTo: dave@remote.example\r\nSubject: queued during the outage\r\n\r\nhello\r\n');
    const b = await openRuntime(dirB);
    const stored = await b.storage.blobs.put(Readable.from([bytes]));
    const queueId = uuidv7();
    const command = {
      type: 'queue', queueId, blobId: stored.blobId, start: 0, size: stored.size, mailFrom: 'carol@example.test',
      recipients: ['dave@remote.example'], clientAddress: '192.0.2.1', transactionId: 'tx-queued', contentHash: stored.blobId,
    } as const;
    await b.handler.handle(outboundStream(queueId), outboundDecider, command, adminContext(b));
    await b.close();

    const merged = await postlogCli(dirA)(['merge', '--from', dirB]);
    assert.equal(merged.code, 0, merged.err);
    const listed = await postlogCli(dirA)(['queue', 'list', '--json']);
    assert.equal(listed.code, 0, listed.err);
    assert.deepEqual(JSON.parse(listed.out).map((i: { queueId: string }) => i.queueId), [queueId]);
    const after = await openRuntime(dirA);
    try {
      assert.deepEqual(await buffer(after.storage.blobs.get(stored.blobId)), bytes, 'the message the relay sends is here');
    } finally {
      await after.close();
    }
  });
});
