import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ConnectionLimiter, GreetingScreen } from './limits.ts';

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

describe('greeting screen', () => {
  it('greets a client that passed at once until its pass runs out, IPv4-mapped or not', () => {
    let now = 0;
    const screen = new GreetingScreen(100, 1000, 10, () => now);
    assert.equal(screen.pauseFor('192.0.2.1'), 100);
    screen.passed('::ffff:192.0.2.1');
    assert.equal(screen.pauseFor('192.0.2.1'), 0);
    assert.equal(screen.pauseFor('192.0.2.2'), 100, 'a pass is one address only');
    now = 1000;
    assert.equal(screen.pauseFor('192.0.2.1'), 100, 'the pass has run out');
  });

  it('keeps at most its capacity of passes, dropping the oldest', () => {
    const screen = new GreetingScreen(100, 60_000, 2);
    for (const a of ['192.0.2.1', '192.0.2.2', '192.0.2.3']) screen.passed(a);
    assert.equal(screen.pauseFor('192.0.2.1'), 100);
    assert.equal(screen.pauseFor('192.0.2.3'), 0);
  });

  it('with no pause, pauses no one', () => {
    assert.equal(new GreetingScreen(0, 1000).pauseFor('192.0.2.1'), 0);
  });
});
