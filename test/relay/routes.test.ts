// MX resolution through the configured DNS server: preference order, the domain itself when it
// has no MX, permanent and temporary failures told apart.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createSocket } from 'node:dgram';
import { Routes, RouteError } from '../../src/frontends/relay/routes.ts';
import { startDnsServer, type DnsServer } from './dns-server.ts';

describe('routes', () => {
  let dns: DnsServer;
  let routes: Routes;
  before(async () => {
    dns = await startDnsServer({
      'multi.test': { mx: [{ priority: 20, exchange: 'backup.multi.test' }, { priority: 5, exchange: 'primary.multi.test' }] },
      'primary.multi.test': { a: ['127.0.0.10'], aaaa: ['::1'] },
      'backup.multi.test': { a: ['127.0.0.11'] },
      'direct.test': { a: ['127.0.0.12'] },
      'dangling.test': { mx: [{ priority: 10, exchange: 'gone.dangling.test' }] },
    });
    routes = new Routes({ dnsServers: [dns.address], timeout: 500, port: 2525 });
  });
  after(() => dns.close());

  it('orders MX hosts by preference, each with its A and AAAA addresses, on the configured port', async () => {
    assert.deepEqual(await routes.lookup('multi.test'), [
      { name: 'primary.multi.test', addresses: ['127.0.0.10', '::1'], port: 2525 },
      { name: 'backup.multi.test', addresses: ['127.0.0.11'], port: 2525 },
    ]);
    assert.ok(dns.queries.includes('MX multi.test'), 'asked the configured server');
  });

  it('uses the domain itself when it has no MX (implicit MX)', async () => {
    assert.deepEqual(await routes.lookup('direct.test'), [{ name: 'direct.test', addresses: ['127.0.0.12'], port: 2525 }]);
  });

  it('fails for good when the MX hosts have no address, and only for now when DNS does not answer', async () => {
    await assert.rejects(routes.lookup('dangling.test'), (e: unknown) => e instanceof RouteError && e.permanent && /MX hosts \(gone\.dangling\.test\) have no A or AAAA/.test(e.message));
    const silent = createSocket('udp4'); // a DNS server that never answers
    await new Promise<void>((resolve) => silent.bind(0, '127.0.0.1', resolve));
    try {
      const deaf = new Routes({ dnsServers: [`127.0.0.1:${silent.address().port}`], timeout: 200, port: 25 });
      await assert.rejects(deaf.lookup('multi.test'), (e: unknown) => e instanceof RouteError && !e.permanent && /DNS MX lookup for multi\.test failed: ETIMEOUT/.test(e.message));
    } finally {
      silent.close();
    }
  });
});
