// What goes wrong on the other side is recorded as a result with its reason, and the rest of
// the queue keeps moving: a server that answers garbage, one that stalls, a domain with no MX
// and no A, a null MX; and TLS: opportunistic when not offered, required per domain by config.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startBrokenServer, startRemoteMx, type RemoteMx } from './remote-mx.ts';
import { startRelayHarness, type RelayHarness } from './harness.ts';
import type { OutboundEvent } from '../../src/domain/outbound/events.ts';

const resultOf = (history: readonly OutboundEvent[]) => history.find((e) => e.type === 'RecipientDeferred' || e.type === 'RecipientFailed' || e.type === 'RecipientDelivered')!;

describe('relay failures', () => {
  let good: RemoteMx;
  let plain: RemoteMx;
  let garbage: { close(): Promise<void> };
  let stall: { close(): Promise<void> };
  let h: RelayHarness;
  before(async () => {
    good = await startRemoteMx();
    // every MX of these tests listens on the same port, each on its own loopback address
    garbage = await startBrokenServer('garbage', '127.0.0.2', good.port);
    stall = await startBrokenServer('stall', '127.0.0.3', good.port);
    plain = await startRemoteMx({ disabledCommands: ['STARTTLS'] });
    h = await startRelayHarness(
      {
        'good.test': { mx: [{ priority: 10, exchange: 'mx.good.test' }] },
        'mx.good.test': { a: ['127.0.0.1'] },
        'garbage.test': { mx: [{ priority: 10, exchange: 'mx.garbage.test' }] },
        'mx.garbage.test': { a: ['127.0.0.2'] },
        'stall.test': { mx: [{ priority: 10, exchange: 'mx.stall.test' }] },
        'mx.stall.test': { a: ['127.0.0.3'] },
        'nomx.test': {},
        'nullmx.test': { mx: [{ priority: 0, exchange: '' }] },
      },
      { port: good.port, commandTimeout: 0.4, connectTimeout: 1 },
    );
  });
  after(async () => {
    await h.stop();
    await Promise.all([good.close(), plain.close(), garbage.close(), stall.close()]);
  });

  it('defers a malformed reply and a stall, fails a domain with no MX and no A, and still delivers the rest', async () => {
    const ids = {
      garbage: await h.queue({ to: ['x@garbage.test'] }),
      stall: await h.queue({ to: ['x@stall.test'] }),
      nomx: await h.queue({ to: ['x@nomx.test'] }),
      nowhere: await h.queue({ to: ['x@nowhere.test'] }),
      nullmx: await h.queue({ to: ['x@nullmx.test'] }),
      good: await h.queue({ to: ['x@good.test'] }),
    };
    const started = Date.now();
    await h.scan();
    assert.ok(Date.now() - started < 3000, 'the stall costs one timeout, not the whole queue');
    const result = async (id: string) => resultOf(await h.history(id));

    const g = await result(ids.garbage);
    assert.equal(g.type, 'RecipientDeferred');
    assert.match((g.data as { reason: string }).reason, /malformed reply from the remote server: hello, this is not SMTP/);
    const s = await result(ids.stall);
    assert.equal(s.type, 'RecipientDeferred');
    assert.match((s.data as { reason: string }).reason, /timed out/i);
    for (const id of [ids.nomx, ids.nowhere]) {
      const r = await result(id);
      assert.equal(r.type, 'RecipientFailed');
      assert.match((r.data as { reason: string }).reason, /no route to no(mx|where)\.test: it has no MX and no A or AAAA records/);
    }
    const n = await result(ids.nullmx);
    assert.equal(n.type, 'RecipientFailed');
    assert.match((n.data as { reason: string }).reason, /does not accept mail \(null MX/);
    assert.equal((await result(ids.good)).type, 'RecipientDelivered');
    assert.equal(good.messages.filter((m) => m.raw.includes(ids.good)).length, 1);
    const bounces = (await h.inbox()).filter((m) => m.raw.includes('Undelivered Mail Returned to Sender'));
    assert.equal(bounces.length, 3, 'one report for each failed message');
  });

  it('defers when a domain requires TLS and the MX does not offer STARTTLS; sends in clear otherwise', async () => {
    const h2 = await startRelayHarness(
      {
        'plain.test': { mx: [{ priority: 10, exchange: 'mx.plain.test' }] },
        'strict.test': { mx: [{ priority: 10, exchange: 'mx.plain.test' }] },
        'mx.plain.test': { a: ['127.0.0.1'] },
      },
      { port: plain.port, requireTls: ['strict.test'] },
    );
    try {
      const open = await h2.queue({ to: ['x@plain.test'] });
      const strict = await h2.queue({ to: ['x@strict.test'] });
      await h2.scan();
      assert.equal(resultOf(await h2.history(open)).type, 'RecipientDelivered');
      assert.equal(plain.messages.find((m) => m.raw.includes(open))!.secure, false);
      const r = resultOf(await h2.history(strict));
      assert.equal(r.type, 'RecipientDeferred');
      assert.match((r.data as { reason: string }).reason, /STARTTLS/);
      assert.equal(plain.messages.filter((m) => m.raw.includes(strict)).length, 0, 'nothing sent in clear');
    } finally {
      await h2.stop();
    }
  });
});
