// Event ids make appends idempotent: two events given one id would make the second look like a
// retry of the first, and be dropped. They also sort by the time they were made.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { validate, version } from 'uuid';
import { connectionId, newId } from './ids.ts';

describe('newId', () => {
  it('gives distinct version 7 UUIDs that sort in the order they were made, across pool refills', () => {
    const ids = Array.from({ length: 20_000 }, () => newId());
    assert.equal(new Set(ids).size, ids.length);
    assert.deepEqual([...ids].sort(), ids);
    for (const id of [ids[0]!, ids[4_096]!, ids.at(-1)!]) {
      assert.ok(validate(id));
      assert.equal(version(id), 7);
    }
  });

  it('puts the current time in the id', () => {
    const before = Date.now();
    const id = newId();
    const msecs = parseInt(id.replace(/-/g, '').slice(0, 12), 16);
    assert.ok(msecs >= before && msecs <= Date.now() + 1, `${msecs} not near ${before}`);
  });
});

describe('connectionId', () => {
  it('gives distinct ids of 16 base-32 digits, every digit in use, across pool refills', () => {
    const ids = Array.from({ length: 20_000 }, () => connectionId());
    assert.equal(new Set(ids).size, ids.length);
    assert.ok(ids.every((id) => /^[0-9a-v]{16}$/.test(id)));
    assert.equal(new Set(ids.join('')).size, 32);
  });
});
