// The scanner must give the same summary however the bytes arrive: SMTP DATA and IMAP literals
// are cut wherever the network cuts them, in the middle of a CRLF or of a delimiter.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { allFixtures } from './fixtures.ts';
import { MessageScanner, summarize } from './scanner.ts';
import type { MessageSummary } from './summary.ts';

function inChunks(bytes: Uint8Array, size: number): MessageSummary {
  const scanner = new MessageScanner();
  for (let i = 0; i < bytes.length; i += size) scanner.push(bytes.subarray(i, i + size));
  return scanner.finish();
}

describe('MessageScanner fed in chunks', () => {
  for (const [name, raw] of Object.entries(allFixtures)) {
    it(`${name}: chunks of 1, 2, 4 ... 512 bytes give the one-shot summary`, () => {
      const bytes = Buffer.from(raw);
      const whole = summarize(bytes);
      for (let size = 1; size <= 512; size *= 2) {
        assert.deepStrictEqual(inChunks(bytes, size), whole, `chunks of ${size} bytes`);
      }
    });
  }

  it('does not depend on the caller keeping its chunk buffers', () => {
    const bytes = Buffer.from(allFixtures.forwardedMessage ?? '');
    const scanner = new MessageScanner();
    const reused = new Uint8Array(7);
    for (let i = 0; i < bytes.length; i += reused.length) {
      const n = Math.min(reused.length, bytes.length - i);
      reused.set(bytes.subarray(i, i + n));
      scanner.push(reused.subarray(0, n));
      reused.fill(0x41);
    }
    assert.deepStrictEqual(scanner.finish(), summarize(bytes));
  });

  it('gives summaries that survive a JSON round trip unchanged, as event data must', () => {
    for (const raw of Object.values(allFixtures)) {
      const summary = summarize(raw);
      assert.deepStrictEqual(JSON.parse(JSON.stringify(summary)), summary);
    }
  });
});

describe('MessageScanner: the body of a message of one part', () => {
  // A body's size and line count (BODYSTRUCTURE shows both) against a count made byte by byte.
  const bodies = {
    'CRLF lines': 'first\r\nsecond line\r\n\r\nthird\r\n'.repeat(40),
    'bare LF lines': 'one\ntwo\n\nthree\n'.repeat(50),
    'no ending on the last line': 'a\r\nb\r\nlast without a line ending',
    'a line ending cut between CR and LF at every size': '\r\n'.repeat(300),
    'one long line': 'x'.repeat(5000),
  };
  for (const [name, body] of Object.entries(bodies)) {
    it(`${name}: size and lines as counted byte by byte, whole or in chunks of 1 to 512 bytes`, () => {
      const header = 'From: a@example.net\r\nSubject: one part\r\n\r\n';
      const bytes = Buffer.from(header + body);
      const lineFeeds = [...body].filter((c) => c === '\n').length;
      for (const size of [bytes.length, 1, 2, 3, 7, 64, 512]) {
        const { body: part, size: total } = inChunks(bytes, size);
        assert.equal(total, bytes.length, `chunks of ${size}`);
        assert.equal(part.bodyStart, header.length, `chunks of ${size}`);
        assert.equal(part.size, Buffer.byteLength(body), `chunks of ${size}`);
        assert.equal(part.lines, lineFeeds, `chunks of ${size}`);
      }
    });
  }

  it('inside a message/rfc822 part, after a multipart has closed', () => {
    const inner = 'Subject: inner\r\n\r\n' + 'inner line\r\n'.repeat(30);
    const raw =
      'Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\nfirst part\r\n' +
      '--b\r\nContent-Type: message/rfc822\r\n\r\n' + inner + '--b--\r\n' + 'epilogue\r\n'.repeat(20);
    const bytes = Buffer.from(raw);
    const whole = inChunks(bytes, bytes.length);
    const parts = whole.body.parts!;
    // The line ending before the delimiter is the delimiter's (RFC 2046), so the last line is not counted.
    assert.equal(parts[1]!.lines, 31);
    assert.equal(parts[1]!.message!.body.lines, 29);
    assert.equal(whole.body.bodyEnd, bytes.length);
    for (const size of [1, 5, 64, 512]) assert.deepStrictEqual(inChunks(bytes, size), whole, `chunks of ${size}`);
  });
});
