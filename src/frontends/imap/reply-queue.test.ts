import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ReplyQueue } from './reply-queue.ts';

describe('reply queue', () => {
  it('keeps text and literal bytes in order, text as UTF-8, and empties on take', () => {
    const q = new ReplyQueue();
    q.add(['* 1 FETCH (BODY[] {4}\r\n', Buffer.from([0xff, 0x00, 0x0d, 0x0a])]);
    q.add([')\r\n', '* 2 FETCH (ENVELOPE ("Grüße"))\r\n']);
    assert.deepEqual(
      q.take(),
      Buffer.concat([Buffer.from('* 1 FETCH (BODY[] {4}\r\n'), Buffer.from([0xff, 0x00, 0x0d, 0x0a]), Buffer.from(')\r\n* 2 FETCH (ENVELOPE ("Grüße"))\r\n', 'utf8')]),
    );
    assert.equal(q.take().length, 0);
  });

  it('is full once 64 KiB gathered, and not before', () => {
    const q = new ReplyQueue();
    q.add(['x'.repeat(64 * 1024 - 1)]);
    assert.equal(q.full, false);
    q.add([Buffer.alloc(1)]);
    assert.equal(q.full, true);
    q.take();
    assert.equal(q.full, false);
  });
});
