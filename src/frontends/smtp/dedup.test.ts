import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ResendGuard } from './dedup.ts';
import type { DeliveryRecord, ResendIndex, ResendKey } from '../../projections/resend-index.ts';
import { resendDigest } from '../../projections/resend-index.ts';

/** An index fed by hand; a runner that is caught up once hurried (settle), and not before. */
function fixture(windowMs = 24 * 3600_000) {
  const seen = new Map<string, DeliveryRecord>();
  const index = { delivered: (k: ResendKey) => seen.get(resendDigest(k)) } as ResendIndex;
  const waited: number[] = [];
  const followed: number[] = [];
  const runner = { settle: async (p: number) => void waited.push(p), reached: (p: number) => (followed.push(p), new Promise<void>(() => {})) };
  const record = (k: ResendKey, at: string) => seen.set(resendDigest(k), { at, transactionId: 't' });
  return { guard: new ResendGuard(index, runner, windowMs), record, waited, followed };
}

const key = (rcptTo: string): ResendKey => ({ contentHash: 'h', mailFrom: 'a@x', rcptTo, destination: 'acc' });
const now = '2026-05-19T10:00:00.000Z';

describe('resend guard', () => {
  it('skips what was delivered within the window, delivers the rest', async () => {
    const { guard, record } = fixture();
    record(key('old@y'), '2026-05-17T10:00:00.000Z');
    record(key('recent@y'), '2026-05-19T09:00:00.000Z');
    const lease = await guard.acquire([key('old@y'), key('recent@y'), key('new@y')], now);
    assert.deepEqual(lease.resent, [key('recent@y')]);
    assert.deepEqual(lease.fresh, [key('old@y'), key('new@y')]);
    lease.release(0);
  });

  it('makes a second copy in flight wait for the first, and waits for the index to have it', async () => {
    const { guard, record, waited } = fixture();
    const first = await guard.acquire([key('b@y')], now);
    let secondDone = false;
    const second = guard.acquire([key('b@y')], now).then((l) => ((secondDone = true), l));
    await new Promise((r) => setTimeout(r, 20));
    assert.equal(secondDone, false, 'the copy waits while the first is delivering');
    record(key('b@y'), now);
    first.release(42);
    const lease = await second;
    assert.deepEqual(lease.fresh, []);
    assert.deepEqual(lease.resent, [key('b@y')]);
    assert.equal(waited.at(-1), 42, 'checked only once the index had applied the first delivery');
    lease.release(0);
  });

  it('lets the index take a delivery in its own batch, hurrying it only for a resend of that message', async () => {
    const { guard, waited, followed } = fixture();
    const lease = await guard.acquire([key('d@y')], now);
    lease.release(7);
    await new Promise((r) => setImmediate(r));
    assert.deepEqual(followed, [7]);
    assert.deepEqual(waited, [], 'a delivery alone does not make the deferred read models apply at once');
    // Before the index has it, a second copy of the same message must see it: then it hurries.
    const resend = await guard.acquire([key('d@y')], now);
    assert.deepEqual(waited, [7]);
    resend.release(0);
  });

  it('is off with a window of 0', async () => {
    const off = fixture(0);
    off.record(key('b@y'), now);
    const lease = await off.guard.acquire([key('b@y')], now);
    assert.deepEqual(lease.fresh, [key('b@y')]);
  });

  it('does not hold up transactions for other recipients', async () => {
    const { guard } = fixture();
    const first = await guard.acquire([key('b@y')], now);
    const other = await guard.acquire([key('c@y')], now);
    assert.deepEqual(other.fresh, [key('c@y')]);
    first.release(0);
    other.release(0);
  });
});
