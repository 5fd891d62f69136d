import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { FailureThrottle } from './throttle.ts';
import { trustedNetworks } from './networks.ts';

const policy = { windowMs: 60_000, baseDelayMs: 100, maxDelayMs: 1_000, refuseAfter: { account: 5, client: 8 }, maxEntries: 1000 };

describe('failure throttle', () => {
  it('waits longer after each failure, then refuses, then forgets after the window', () => {
    let now = 0;
    const throttle = new FailureThrottle(policy, () => now);
    const keys = { client: '192.0.2.1', account: 'alice' };
    const delays: number[] = [];
    for (let i = 0; i < 5; i++) {
      const v = throttle.check(keys);
      assert.equal(v.refused, false);
      delays.push(v.delayMs);
      throttle.fail(keys);
      now += 1000;
    }
    assert.deepEqual(delays, [0, 100, 200, 400, 800]);
    assert.equal(throttle.check(keys).refused, true);
    now += 60_001;
    assert.deepEqual(throttle.check(keys), { refused: false, delayMs: 0, failures: 0 });
  });

  it('counts per client address across accounts, and per account across addresses', () => {
    const throttle = new FailureThrottle(policy, () => 0);
    for (let i = 0; i < 8; i++) throttle.fail({ client: '192.0.2.1', account: `user${i}` });
    assert.equal(throttle.check({ client: '192.0.2.1', account: 'fresh' }).refused, true, 'the guessing client');
    assert.equal(throttle.check({ client: '198.51.100.7', account: 'fresh' }).refused, false, 'another client');
    for (let i = 0; i < 5; i++) throttle.fail({ client: `203.0.113.${i}`, account: 'bob' });
    assert.equal(throttle.check({ client: '198.51.100.7', account: 'bob' }).refused, true, 'the guessed account');
  });

  it('a good login clears the account, not the client', () => {
    const throttle = new FailureThrottle(policy, () => 0);
    const keys = { client: '192.0.2.1', account: 'alice' };
    throttle.fail(keys);
    throttle.fail(keys);
    throttle.succeed(keys);
    assert.equal(throttle.check({ client: '198.51.100.7', account: 'alice' }).delayMs, 0);
    assert.equal(throttle.check({ client: '192.0.2.1', account: 'other' }).delayMs, 200);
  });
});

describe('trusted networks', () => {
  it('matches IPv4, IPv6 and IPv4-mapped peers against CIDRs', () => {
    const trusted = trustedNetworks(['127.0.0.0/8', '::1/128', '10.1.0.0/16', '192.0.2.9']);
    for (const a of ['127.0.0.1', '::ffff:127.0.0.1', '::1', '10.1.200.3', '192.0.2.9']) assert.equal(trusted(a), true, a);
    for (const a of ['10.2.0.1', '192.0.2.10', '2001:db8::1', 'not-an-ip', '']) assert.equal(trusted(a), false, a);
  });
});
