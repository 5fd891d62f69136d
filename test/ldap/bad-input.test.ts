// Hostile or broken input: each gets a result code or a closed connection, and the server
// keeps serving everyone else.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { connect as tcp } from 'node:net';
import { startLdapFixture, SUFFIX, type LdapFixture } from './server.ts';
import { code, connect } from './client.ts';

/** Sends bytes on a fresh connection; resolves with what came back once the server closed it. */
function exchange(port: number, bytes: Buffer, waitMs = 3000): Promise<{ closed: boolean; reply: Buffer }> {
  return new Promise((resolve) => {
    const socket = tcp(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    const timer = setTimeout(() => (socket.destroy(), resolve({ closed: false, reply: Buffer.concat(chunks) })), waitMs);
    socket.on('data', (c) => chunks.push(c));
    socket.on('error', () => {});
    socket.on('close', () => (clearTimeout(timer), resolve({ closed: true, reply: Buffer.concat(chunks) })));
    socket.write(bytes);
  });
}

describe('LDAP bad input', () => {
  let f: LdapFixture;
  before(async () => (f = await startLdapFixture()));
  after(async () => f.close());

  async function stillServing() {
    const client = await connect(f.url);
    try {
      await client.bind(f.dn('alice'), 'alice-pw');
      assert.equal((await client.search(SUFFIX, { filter: '(uid=bob)' })).length, 1);
    } finally {
      await client.close();
    }
  }

  it('closes a connection that does not speak BER', async () => {
    const { closed } = await exchange(f.port, Buffer.from('GET / HTTP/1.1\r\nHost: x\r\n\r\n'));
    assert.equal(closed, true);
    await stillServing();
  });

  it('closes a connection announcing a message larger than the limit, without buffering it', async () => {
    const { closed } = await exchange(f.port, Buffer.from([0x30, 0x84, 0x7f, 0xff, 0xff, 0xff, 0x02, 0x01, 0x01]));
    assert.equal(closed, true);
    await stillServing();
  });

  it('answers a well-framed message that is not an LDAP request with protocolError or a close', async () => {
    // SEQUENCE { INTEGER 7, [APPLICATION 30] garbage }
    const { closed, reply } = await exchange(f.port, Buffer.from([0x30, 0x07, 0x02, 0x01, 0x07, 0x7e, 0x02, 0x01, 0x00]));
    assert.ok(closed, 'the connection is closed');
    if (reply.length) assert.equal(reply.includes(Buffer.from([0x0a, 0x01, 0x02])), true, 'protocolError (2) when answered');
    await stillServing();
  });

  it('refuses an oversized filter with adminLimitExceeded', async () => {
    const client = await connect(f.url);
    try {
      await client.bind(f.dn('alice'), 'alice-pw');
      const wide = `(|${Array.from({ length: 600 }, (_, i) => `(uid=u${i})`).join('')})`;
      await assert.rejects(client.search(SUFFIX, { filter: wide }), (e) => code(e) === 11);
      const deep = `${'(!'.repeat(40)}(uid=alice)${')'.repeat(40)}`;
      await assert.rejects(client.search(SUFFIX, { filter: deep }), (e) => code(e) === 11);
      assert.equal((await client.search(SUFFIX, { filter: '(uid=alice)' })).length, 1, 'the same connection goes on');
    } finally {
      await client.close();
    }
    const huge = `(|${Array.from({ length: 8000 }, (_, i) => `(cn=someone number ${i})`).join('')})`;
    const client2 = await connect(f.url);
    await client2.bind(f.dn('alice'), 'alice-pw');
    await assert.rejects(client2.search(SUFFIX, { filter: huge }), 'a filter past the message size closes the connection');
    client2.raw.destroy();
    await stillServing();
  });

  it('binds outside the suffix, with a malformed DN, or without a password are refused', async () => {
    const client = await connect(f.url);
    try {
      await assert.rejects(client.bind('uid=alice,ou=people,dc=elsewhere,dc=com', 'alice-pw'), (e) => code(e) === 49);
      await assert.rejects(client.bind(f.dn('alice'), ''), (e) => code(e) === 53);
      await assert.rejects(client.bind('not a dn', 'x'), (e) => code(e) === 34);
    } finally {
      await client.close();
    }
    await stillServing();
  });
});
