import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ConnectionLimiter } from './limits.ts';

describe('connection limiter', () => {
  it('gives each client address its own allowance, IPv4-mapped or not', () => {
    const limiter = new ConnectionLimiter(2);
    assert.ok(limiter.enter('192.0.2.1'));
    assert.ok(limiter.enter('::ffff:192.0.2.1'));
    assert.equal(limiter.enter('192.0.2.1'), false);
    assert.ok(limiter.enter('192.0.2.2'), 'another client is not held up');
    limiter.leave('192.0.2.1');
    assert.ok(limiter.enter('192.0.2.1'), 'a slot comes back when a connection closes');
    limiter.leave('192.0.2.1');
    limiter.leave('192.0.2.1');
    assert.equal(limiter.connections('192.0.2.1'), 0);
  });
});
