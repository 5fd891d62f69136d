// The relay against a real "remote" MX on loopback (smtp-server) found through a DNS server
// the test runs: delivery, retries on the injected clock, bounces and warnings as RFC 3464
// reports in the local sender's INBOX, one connection for several messages, STARTTLS.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startRemoteMx, type RemoteMx } from './remote-mx.ts';
import { ALICE, startRelayHarness, zonesFor, type RelayHarness } from './harness.ts';

const types = (events: readonly { type: string }[]) => events.map((e) => e.type);

describe('relay to a remote MX', () => {
  let remote: RemoteMx;
  let h: RelayHarness;
  before(async () => {
    remote = await startRemoteMx();
    h = await startRelayHarness(zonesFor('remote.test'), { port: remote.port, maxConnectionsPerDestination: 1 });
  });
  after(async () => {
    await h.stop();
    await remote.close();
  });

  it('delivers over STARTTLS, without our Return-Path, and records the remote reply', async () => {
    const id = await h.queue({ to: ['bob@remote.test'], subject: 'first' });
    await h.scan();
    const got = remote.messages.filter((m) => m.raw.includes(id));
    assert.equal(got.length, 1);
    assert.equal(got[0]!.from, ALICE);
    assert.deepEqual(got[0]!.to, ['bob@remote.test']);
    assert.equal(got[0]!.secure, true, 'STARTTLS was offered, so it was used');
    assert.ok(got[0]!.raw.startsWith('Received: from client'), 'the Return-Path line is not sent');
    assert.match(got[0]!.raw, /\r\n\.dot-stuffed line\r\n/);
    const history = await h.history(id);
    assert.deepEqual(types(history), ['OutboundQueued', 'DeliveryAttemptStarted', 'RecipientDelivered']);
    const delivered = history[2]!.data as { reply: string; host: string };
    assert.match(delivered.reply, /^250 .*queued as REMOTE/);
    assert.equal(delivered.host, 'mx.remote.test');
    assert.equal(h.runtime.outbound.active().length, 0, 'nothing left in the queue');
  });

  it('sends several messages for one destination over one connection', async () => {
    const before = remote.connections;
    const ids = [await h.queue({ to: ['a@remote.test'] }), await h.queue({ to: ['b@remote.test'] }), await h.queue({ to: ['c@remote.test', 'd@remote.test'] })];
    await h.scan();
    const got = remote.messages.filter((m) => ids.some((id) => m.raw.includes(id)));
    assert.equal(got.length, 3);
    assert.deepEqual(got.find((m) => m.raw.includes(ids[2]!))!.to, ['c@remote.test', 'd@remote.test']);
    assert.equal(remote.connections - before, 1, 'one connection for the three messages');
  });

  it('keeps to the connection limits, per destination and in all', async () => {
    const limited = await startRemoteMx({
      // slow enough that the relay would open more connections if it could
      onData(stream, _session, callback) {
        stream.resume();
        stream.on('end', () => setTimeout(() => callback(null, 'Ok'), 30));
      },
    });
    const zones = { ...zonesFor('one.test'), ...zonesFor('two.test') };
    for (const [maxConnections, perDestination, expected] of [[10, 2, 2], [1, 3, 1]] as const) {
      const h2 = await startRelayHarness(zones, { port: limited.port, maxConnections, maxConnectionsPerDestination: perDestination, maxMessagesPerConnection: 2 });
      try {
        limited.mostAtOnce = 0;
        for (let i = 0; i < 6; i++) await h2.queue({ to: [`r${i}@${maxConnections === 1 && i % 2 ? 'two' : 'one'}.test`] });
        await h2.scan();
        assert.equal(h2.runtime.outbound.active().length, 0);
        assert.equal(limited.mostAtOnce, expected, `maxConnections ${maxConnections}, per destination ${perDestination}`);
      } finally {
        await h2.stop();
      }
    }
    await limited.close();
  });

  it('defers a temporary failure, retries on schedule, then delivers', async () => {
    const id = await h.queue({ to: ['temp-1@remote.test', 'ok@remote.test'] });
    await h.scan();
    let history = await h.history(id);
    assert.deepEqual(types(history).slice(1).sort(), ['DeliveryAttemptStarted', 'RecipientDeferred', 'RecipientDelivered']);
    const deferred = history.find((e) => e.type === 'RecipientDeferred')!.data as { reply: string; nextAttemptAt: string; address: string };
    assert.equal(deferred.address, 'temp-1@remote.test');
    assert.match(deferred.reply, /^451 4\.2\.1 mailbox busy/);
    assert.ok(Math.abs(Date.parse(deferred.nextAttemptAt) - (h.clock.now + 5 * 60_000)) < 5000, 'due again in 5 minutes');
    const [due] = h.runtime.outbound.active();
    assert.equal(due!.dueAt, deferred.nextAttemptAt, 'the queue projection says when it is due');

    await h.scan(); // not due yet
    assert.equal((await h.history(id)).length, history.length);
    h.clock.advanceMinutes(6);
    await h.scan();
    history = await h.history(id);
    assert.deepEqual(types(history).slice(-2), ['DeliveryAttemptStarted', 'RecipientDelivered']);
    assert.equal(remote.messages.filter((m) => m.raw.includes(id)).length, 2, 'ok@ once, temp-1@ once');
  });

  it('bounces a permanent failure with an RFC 3464 report in the local sender\'s INBOX', async () => {
    const before = (await h.inbox()).length;
    const id = await h.queue({ to: ['no-such@remote.test'], subject: 'doomed' });
    await h.scan();
    const history = await h.history(id);
    assert.deepEqual(types(history).slice(1), ['DeliveryAttemptStarted', 'RecipientFailed', 'BounceGenerated']);
    const inbox = await h.inbox();
    assert.equal(inbox.length, before + 1);
    const dsn = inbox.at(-1)!.raw;
    assert.match(dsn, /Content-Type: multipart\/report; report-type=delivery-status;/);
    assert.match(dsn, /From: Mail Delivery System <MAILER-DAEMON@mx\.example\.test>/);
    assert.match(dsn, /Content-Type: message\/delivery-status\r\n\r\nReporting-MTA: dns; mx\.example\.test/);
    assert.match(dsn, /Final-Recipient: rfc822; no-such@remote\.test\r\nAction: failed\r\nStatus: 5\.1\.1\r\nDiagnostic-Code: smtp; 550 5\.1\.1 no such user here/);
    assert.match(dsn, /Content-Type: text\/rfc822-headers\r\n\r\nReceived: [^]*Subject: doomed\r\n/);
    assert.match(dsn, /^Return-Path: <>\r\n/, 'delivered from the null sender');
    await h.scan();
    assert.equal((await h.inbox()).length, before + 1, 'one report, not one per scan');
  });

  it('sends the report for a remote sender through the queue, from the null sender', async () => {
    const id = await h.queue({ from: 'sender@remote.test', to: ['no-x@remote.test'] });
    await h.scan();
    const bounce = (await h.history(id)).find((e) => e.type === 'BounceGenerated')!.data as { delivery: string };
    assert.equal(bounce.delivery, 'queued');
    await h.scan();
    const report = remote.messages.find((m) => m.to[0] === 'sender@remote.test' && m.raw.includes(id))!;
    assert.equal(report.from, '', 'MAIL FROM:<>');
    assert.match(report.raw, /^From: Mail Delivery System/);
    assert.match(report.raw, /Final-Recipient: rfc822; no-x@remote\.test/);
  });

  it('never bounces to the null sender', async () => {
    const before = (await h.inbox()).length;
    const id = await h.queue({ from: '', to: ['no-one@remote.test'] });
    await h.scan();
    assert.deepEqual(types(await h.history(id)).slice(1), ['DeliveryAttemptStarted', 'RecipientFailed']);
    assert.equal((await h.inbox()).length, before);
    assert.equal(remote.messages.filter((m) => m.raw.includes(id)).length, 0);
  });

  it('warns at 4 hours even when the next attempt is later', async () => {
    const h2 = await startRelayHarness(zonesFor('remote.test'), { port: remote.port, retryMinutes: [600] });
    try {
      remote.tempFailures.set('temp-slow@remote.test', 1000);
      const id = await h2.queue({ to: ['temp-slow@remote.test'] });
      await h2.scan();
      h2.clock.advanceMinutes(4 * 60 + 1);
      await h2.scan();
      const history = await h2.history(id);
      assert.deepEqual(types(history).slice(-2), ['RecipientDeferred', 'DelayWarningSent'], 'warned without another attempt');
      assert.match((await h2.inbox()).at(-1)!.raw, /Action: delayed/);
    } finally {
      await h2.stop();
    }
  });

  it('warns the sender after 4 hours and gives up after the maximum age', async () => {
    remote.tempFailures.set('temp-forever@remote.test', 1000);
    const before = (await h.inbox()).length;
    const id = await h.queue({ to: ['temp-forever@remote.test'] });
    await h.scan();
    for (let minutes = 0; minutes < 4 * 60; ) {
      const step = 90;
      h.clock.advanceMinutes(step);
      minutes += step;
      await h.scan();
    }
    let history = await h.history(id);
    assert.ok(types(history).includes('DelayWarningSent'), types(history).join());
    const warning = (await h.inbox()).at(-1)!.raw;
    assert.match(warning, /Subject: Delayed Mail \(still being retried\)/);
    assert.match(warning, /Action: delayed\r\nStatus: 4\.2\.1/);
    for (let i = 0; i < 20 && !types(await h.history(id)).includes('RecipientFailed'); i++) {
      h.clock.advanceMinutes(24 * 60);
      await h.scan();
    }
    history = await h.history(id);
    assert.equal(types(history).filter((t) => t === 'DelayWarningSent').length, 1, 'one warning');
    const failed = history.find((e) => e.type === 'RecipientFailed')!.data as { reason: string };
    assert.match(failed.reason, /gave up after \d+ attempts in 120 hours: remote replied 451/);
    assert.equal(types(history).at(-1), 'BounceGenerated');
    assert.equal((await h.inbox()).length, before + 2, 'a warning, then a bounce');
  });
});
