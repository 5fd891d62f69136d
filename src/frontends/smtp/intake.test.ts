import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { ClientMessage, LineEndings, needsSeparator } from './intake.ts';
import { SmtpRefusal } from './replies.ts';
import { traceHeaders, withProtocol } from './trace.ts';

const TRACE = 'Received: from x\r\n';
const sha256 = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');

async function* chunks(data: Buffer, size: number) {
  for (let i = 0; i < data.length; i += size) yield data.subarray(i, i + size);
}

async function store(data: string | Buffer, size = 7, limit = 1 << 20) {
  const bytes = Buffer.from(data);
  const message = new ClientMessage(limit, TRACE);
  const out: Buffer[] = [];
  for await (const c of message.stored(chunks(bytes, size))) out.push(c);
  return { stored: Buffer.concat(out).toString('latin1'), message };
}

describe('line endings', () => {
  it('turns bare LF into CRLF whatever the chunking, and leaves CRLF and lone CR alone', () => {
    const input = Buffer.from('a\nb\r\nc\rd\n\n\r\n');
    for (const size of [1, 2, 3, 4, 64]) {
      const endings = new LineEndings();
      const out = Buffer.concat([...Array(Math.ceil(input.length / size)).keys()].map((i) => endings.push(input.subarray(i * size, i * size + size))));
      assert.equal(out.toString(), 'a\r\nb\r\nc\rd\r\n\r\n\r\n', `chunks of ${size}`);
    }
  });
});

describe('header sniffing', () => {
  it('knows a header field, an empty header and body text at the start', () => {
    assert.equal(needsSeparator(Buffer.from('Subject: hi\r\n'), false), false);
    assert.equal(needsSeparator(Buffer.from('X-Odd_Name : v\n'), false), false);
    assert.equal(needsSeparator(Buffer.from('\r\nbody'), false), false);
    assert.equal(needsSeparator(Buffer.from('hello world\r\n'), false), true);
    assert.equal(needsSeparator(Buffer.from('From alice Tue May 19\n'), false), true);
    assert.equal(needsSeparator(Buffer.from(''), true), false);
  });
});

describe('client message', () => {
  it('prepends the trace fields, keeps the bytes and hashes what the client sent', async () => {
    for (const size of [1, 5, 1000]) {
      const { stored, message } = await store('Subject: hi\r\n\r\nbody\r\n', size);
      assert.equal(stored, TRACE + 'Subject: hi\r\n\r\nbody\r\n');
      assert.equal(message.contentHash, sha256('Subject: hi\r\n\r\nbody\r\n'));
      assert.equal(message.size, 21);
    }
  });

  it('stores bare LF as CRLF but hashes the bytes as sent', async () => {
    const { stored, message } = await store('Subject: lf\n\nbody\n');
    assert.equal(stored, TRACE + 'Subject: lf\r\n\r\nbody\r\n');
    assert.equal(message.contentHash, sha256('Subject: lf\n\nbody\n'));
  });

  it('keeps a message without header a body: a blank line after our fields', async () => {
    assert.equal((await store('just text\r\nmore\r\n', 3)).stored, TRACE + '\r\njust text\r\nmore\r\n');
    assert.equal((await store('')).stored, TRACE);
    assert.equal((await store('x'.repeat(5000), 100)).stored, TRACE + '\r\n' + 'x'.repeat(5000));
  });

  it('refuses past the size limit, counting the client bytes only', async () => {
    await store('x'.repeat(100), 10, 100);
    await assert.rejects(store('x'.repeat(101), 10, 100), (e) => e instanceof SmtpRefusal && e.reason === 'MessageTooLarge');
  });
});

describe('trace fields', () => {
  it('names client, server, protocol, transaction and the single recipient', () => {
    const { returnPath, received } = traceHeaders({
      mailFrom: 'a@x.example', helo: 'client.example', clientAddress: '::ffff:192.0.2.7', hostname: 'mx.example.test',
      secure: true, authenticated: false, smtpUtf8: false, transactionId: 'T1', recipient: 'bob@example.test',
      tls: { protocol: 'TLSv1.3', cipher: 'TLS_AES_256_GCM_SHA384' }, date: new Date('2026-05-19T10:00:00Z'),
    });
    assert.equal(returnPath, 'Return-Path: <a@x.example>\r\n');
    assert.equal(
      received,
      'Received: from client.example ([192.0.2.7])\r\n\t(using TLSv1.3 with cipher TLS_AES_256_GCM_SHA384)\r\n' +
        '\tby mx.example.test (postlog) with ESMTPS id T1\r\n\tfor <bob@example.test>;\r\n\tTue, 19 May 2026 10:00:00 +0000\r\n',
    );
  });

  it('uses the RFC 3848 and RFC 6531 protocol names', () => {
    assert.equal(withProtocol({ secure: false, authenticated: false, smtpUtf8: false }), 'ESMTP');
    assert.equal(withProtocol({ secure: true, authenticated: true, smtpUtf8: false }), 'ESMTPSA');
    assert.equal(withProtocol({ secure: true, authenticated: false, smtpUtf8: true }), 'UTF8SMTPS');
  });

  it('does not let a client name break the header', () => {
    const { received } = traceHeaders({
      mailFrom: '', helo: 'evil\r\nX-Injected: 1', clientAddress: '2001:db8::1', hostname: 'h', secure: false,
      authenticated: false, smtpUtf8: false, transactionId: 'T', date: new Date(0),
    });
    assert.ok(!received.includes('\r\nX-Injected'));
    assert.ok(received.includes('([IPv6:2001:db8::1])'));
  });
});
