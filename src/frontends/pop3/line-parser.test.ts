import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { LineParser, type Line } from './line-parser.ts';

function feed(input: string, size: number, max = 255): Line[] {
  const parser = new LineParser(max);
  const bytes = Buffer.from(input, 'utf8');
  const out: Line[] = [];
  for (let i = 0; i < bytes.length; i += size) out.push(...parser.push(bytes.subarray(i, i + size)));
  return out;
}

const CHUNKS = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512];

describe('POP3 line parser', () => {
  it('returns the same lines however the bytes are split', () => {
    const transcript = 'CAPA\r\nUSER alice@example.test\r\nPASS s3cr\u00e9t\r\nSTAT\r\nLIST 1\nRETR 1\r\n\r\nQUIT\r\n';
    const expected: Line[] = ['CAPA', 'USER alice@example.test', 'PASS s3cr\u00e9t', 'STAT', 'LIST 1', 'RETR 1', '', 'QUIT'].map((text) => ({
      kind: 'line',
      text,
    }));
    for (const size of CHUNKS) assert.deepEqual(feed(transcript, size), expected, `chunks of ${size}`);
  });

  it('keeps an incomplete line until its end arrives', () => {
    const parser = new LineParser(255);
    assert.deepEqual(parser.push(Buffer.from('NO')), []);
    assert.equal(parser.buffered, 2);
    assert.deepEqual(parser.push(Buffer.from('OP\r')), []);
    assert.deepEqual(parser.push(Buffer.from('\n')), [{ kind: 'line', text: 'NOOP' }]);
    assert.equal(parser.buffered, 0);
  });

  it('accepts a line of exactly the limit (CRLF counted) and refuses one octet more, then goes on', () => {
    const fits = 'X'.repeat(253);
    const over = 'Y'.repeat(254);
    for (const size of CHUNKS) {
      assert.deepEqual(feed(`${fits}\r\n${over}\r\nNOOP\r\n`, size), [
        { kind: 'line', text: fits },
        { kind: 'too-long', octets: 256 },
        { kind: 'line', text: 'NOOP' },
      ], `chunks of ${size}`);
    }
    // a bare LF still counts as a two-octet terminator
    assert.deepEqual(feed(`${over}\nNOOP\n`, 7), [{ kind: 'too-long', octets: 255 }, { kind: 'line', text: 'NOOP' }]);
  });

  it('does not buffer an endless line: it skips it and answers once at its end', () => {
    const parser = new LineParser(255);
    for (let i = 0; i < 1000; i++) assert.deepEqual(parser.push(Buffer.alloc(1024, 0x41)), []);
    assert.deepEqual(parser.push(Buffer.from('\r\nSTAT\r\n')), [{ kind: 'too-long', octets: 1024 * 1000 + 2 }, { kind: 'line', text: 'STAT' }]);
  });

  it('forgets what was buffered on reset', () => {
    const parser = new LineParser(255);
    parser.push(Buffer.from('USER injected'));
    parser.reset();
    assert.deepEqual(parser.push(Buffer.from('\r\nCAPA\r\n')), [{ kind: 'line', text: '' }, { kind: 'line', text: 'CAPA' }]);
  });
});
