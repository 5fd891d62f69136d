// With a smarthost configured, everything goes there (no MX lookup), over STARTTLS, signed in
// with the configured user; a refused login defers the mail and says why.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startRemoteMx, type RemoteMx } from './remote-mx.ts';
import { startRelayHarness } from './harness.ts';

describe('relay through a smarthost', () => {
  let smarthost: RemoteMx;
  before(async () => {
    smarthost = await startRemoteMx({
      authOptional: false,
      authMethods: ['PLAIN', 'LOGIN'],
      onAuth(auth, _session, callback) {
        if (auth.username === 'relay-user' && auth.password === 'relay secret') return callback(null, { user: auth.username });
        callback(Object.assign(new Error('5.7.8 bad credentials'), { responseCode: 535 }));
      },
    });
  });
  after(() => smarthost.close());

  it('sends every domain through the smarthost, signed in over TLS', async () => {
    const h = await startRelayHarness({}, { smarthost: `127.0.0.1:${smarthost.port}`, smarthostUser: 'relay-user', smarthostPassword: 'relay secret', smarthostVerifyCertificate: false, maxConnectionsPerDestination: 1 });
    try {
      const a = await h.queue({ to: ['x@one.example', 'y@two.example'] });
      const b = await h.queue({ to: ['z@three.example'] });
      await h.scan();
      const got = smarthost.messages.filter((m) => m.raw.includes(a) || m.raw.includes(b));
      assert.deepEqual(got.map((m) => m.to.join()).sort(), ['x@one.example', 'y@two.example', 'z@three.example']);
      for (const m of got) {
        assert.equal(m.user, 'relay-user');
        assert.equal(m.secure, true);
      }
      assert.equal(new Set(got.map((m) => m.connection)).size, 1, 'one connection to the smarthost');
      assert.deepEqual(h.dns.queries, [], 'no DNS lookups');
      assert.equal(h.runtime.outbound.active().length, 0);
    } finally {
      await h.stop();
    }
  });

  it('defers with the reason when the smarthost refuses the login', async () => {
    const h = await startRelayHarness({}, { smarthost: `127.0.0.1:${smarthost.port}`, smarthostUser: 'relay-user', smarthostPassword: 'wrong', smarthostVerifyCertificate: false });
    try {
      const id = await h.queue({ to: ['x@one.example'] });
      await h.scan();
      const deferred = (await h.history(id)).find((e) => e.type === 'RecipientDeferred');
      assert.ok(deferred);
      assert.match((deferred.data as { reason: string }).reason, /authentication refused: 535 5\.7\.8 bad credentials/);
    } finally {
      await h.stop();
    }
  });
});
