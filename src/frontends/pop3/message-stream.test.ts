import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { DotStuffer, TopFilter } from './message-stream.ts';
import { dataLine, err, multiline, ok } from './responses.ts';

const SIZES = [1, 2, 3, 4, 8, 16, 32, 64, 128, 256, 512];

function chunks(text: string, size: number): Buffer[] {
  const bytes = Buffer.from(text, 'latin1');
  const out: Buffer[] = [];
  for (let i = 0; i < bytes.length; i += size) out.push(bytes.subarray(i, i + size));
  return out;
}

function retr(text: string, size: number): string {
  const stuffer = new DotStuffer();
  return Buffer.concat([...chunks(text, size).map((c) => stuffer.push(c)), stuffer.end()]).toString('latin1');
}

function top(text: string, lines: number, size: number): string {
  const filter = new TopFilter(lines);
  const stuffer = new DotStuffer();
  const out: Buffer[] = [];
  for (const c of chunks(text, size)) {
    out.push(stuffer.push(filter.push(c)));
    if (filter.done) break;
  }
  out.push(stuffer.end());
  return Buffer.concat(out).toString('latin1');
}

const MESSAGE = 'From: a@example.test\r\nSubject: dots\r\n\r\n.leading dot\r\n..two\r\nplain\r\n.\r\nlast\r\n';

describe('POP3 message streaming', () => {
  it('dot-stuffs every line that starts with a dot, however the bytes are split', () => {
    const expected = 'From: a@example.test\r\nSubject: dots\r\n\r\n..leading dot\r\n...two\r\nplain\r\n..\r\nlast\r\n.\r\n';
    for (const size of SIZES) assert.equal(retr(MESSAGE, size), expected, `chunks of ${size}`);
  });

  it('turns bare LF into CRLF, keeps CRLF and ends an unterminated last line', () => {
    for (const size of SIZES) {
      assert.equal(retr('A: b\n\n.x\nmixed\r\nend', size), 'A: b\r\n\r\n..x\r\nmixed\r\nend\r\n.\r\n', `chunks of ${size}`);
    }
    assert.equal(retr('', 4), '.\r\n');
  });

  it('TOP sends the header, the blank line and n body lines', () => {
    for (const size of SIZES) {
      assert.equal(top(MESSAGE, 0, size), 'From: a@example.test\r\nSubject: dots\r\n\r\n.\r\n', `n=0, chunks of ${size}`);
      assert.equal(top(MESSAGE, 2, size), 'From: a@example.test\r\nSubject: dots\r\n\r\n..leading dot\r\n...two\r\n.\r\n', `n=2, chunks of ${size}`);
      assert.equal(top(MESSAGE, 99, size), retr(MESSAGE, size), `n=99, chunks of ${size}`);
      assert.equal(top('A: b\nC: d\n\nbody1\nbody2\n', 1, size), 'A: b\r\nC: d\r\n\r\nbody1\r\n.\r\n', `LF, chunks of ${size}`);
    }
    // a message with no body: all of it
    assert.equal(top('A: b\r\nC: d\r\n', 3, 5), 'A: b\r\nC: d\r\n.\r\n');
  });

  it('formats status lines and multi-line responses exactly', () => {
    assert.equal(ok('2 320'), '+OK 2 320\r\n');
    assert.equal(ok(), '+OK\r\n');
    assert.equal(err('maildrop locked', 'IN-USE'), '-ERR [IN-USE] maildrop locked\r\n');
    assert.equal(err('no such\r\nmessage'), '-ERR no such message\r\n');
    assert.equal(dataLine('.hidden'), '..hidden\r\n');
    assert.equal(multiline('Capability list follows', ['TOP', 'UIDL']), '+OK Capability list follows\r\nTOP\r\nUIDL\r\n.\r\n');
  });
});
