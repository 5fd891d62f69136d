// End to end: a user submits over SMTP to a local and a remote recipient; the local copy is
// delivered at once (never queued), the remote one is queued and the relay hands it to the
// remote MX, with our Received line and without our Return-Path.
import { it } from 'node:test';
import assert from 'node:assert/strict';
import pino from 'pino';
import { relaySettings } from '../../src/frontends/relay/settings.ts';
import { RelayWorker } from '../../src/frontends/relay/worker.ts';
import { settled } from '../helpers/runtime.ts';
import { sendWithNodemailer } from '../smtp/clients.ts';
import { DOMAIN, PASSWORD, message, startHarness } from '../smtp/harness.ts';
import { startDnsServer } from './dns-server.ts';
import { historyOf, zonesFor } from './harness.ts';
import { startRemoteMx } from './remote-mx.ts';

it('submitted mail for a remote domain leaves through the relay; the local copy never enters the queue', async () => {
  const remote = await startRemoteMx();
  const dns = await startDnsServer(zonesFor('remote.test'));
  const h = await startHarness({ env: { POSTLOG_DNS_SERVERS: dns.address, POSTLOG_RELAY_PORT: String(remote.port) } });
  try {
    const alice = `alice@${DOMAIN}`;
    const sent = await sendWithNodemailer({
      port: h.ports.submission, security: 'starttls', auth: { user: alice, pass: PASSWORD },
      from: alice, to: [`bob@${DOMAIN}`, 'dave@remote.test'], raw: message('e2e', 'dave@remote.test'),
    });
    assert.ok(sent.ok, JSON.stringify(sent));
    const [queued, ...more] = await h.outbound();
    assert.equal(more.length, 0);
    assert.deepEqual(queued!.recipients, [{ domain: 'remote.test', addresses: ['dave@remote.test'] }], 'only the remote recipient is queued');
    assert.equal((await h.inbox(`bob@${DOMAIN}`)).length, 1, 'the local recipient has it already');

    const worker = new RelayWorker(h.runtime, relaySettings(h.config), pino({ level: 'silent' }));
    await worker.scan();
    await settled(h.runtime);
    assert.equal(remote.messages.length, 1);
    const [got] = remote.messages;
    assert.deepEqual([got!.from, got!.to], [alice, ['dave@remote.test']]);
    assert.match(got!.raw, /^Received: from nodemailer\.client\.example /);
    assert.doesNotMatch(got!.raw, /^Return-Path:/m);
    assert.match(got!.raw, /\r\nSubject: message e2e\r\n/);
    assert.equal((await historyOf(h.runtime, queued!.queueId)).at(-1)!.type, 'RecipientDelivered');
    await worker.stop();
  } finally {
    await h.stop();
    await remote.close();
    await dns.close();
  }
});
