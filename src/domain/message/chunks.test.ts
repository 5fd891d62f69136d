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
