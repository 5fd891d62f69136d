// Delimiter corner cases, checked against what Dovecot's parser does with the same shapes, so
// that a mailbox migrated from Dovecot shows the same BODYSTRUCTURE and the same BODY[n] bytes.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { rawOf } from './fixtures.ts';
import { summarize } from './scanner.ts';
import type { BodyPart } from './summary.ts';

const lf = (...lines: string[]): string => lines.join('\n');

function parts(p: BodyPart): readonly BodyPart[] {
  return p.parts ?? assert.fail(`${p.type}/${p.subtype} has no parts`);
}

describe('delimiters inside headers', () => {
  const message = lf(
    'Content-Type: multipart/mixed; boundary="=x"',
    '',
    '--=x',
    '--=x',
    'Content-Type: text/plain',
    '--=x',
    'Content-Type: text/plain\r',
    '--=x',
    'Content-Type: text/html',
    '--=x--',
    '',
  );
  const raw = rawOf(message);
  const s = summarize(message);

  it('ends each part at the next delimiter, its last line ending going to the delimiter', () => {
    assert.deepStrictEqual(parts(s.body).map(raw.header), ['', 'Content-Type: text/plain', 'Content-Type: text/plain', 'Content-Type: text/html']);
    assert.deepStrictEqual(parts(s.body).map(raw.body), ['', '', '', '']);
    assert.deepStrictEqual(parts(s.body).map((p) => p.subtype), ['plain', 'plain', 'plain', 'html']);
  });

  it('puts an empty part right after the delimiter line before it', () => {
    const first = parts(s.body)[0] as BodyPart;
    assert.equal(first.headerStart, raw.at('--=x\n--=x') + '--=x\n'.length);
    assert.equal(first.bodyEnd, first.headerStart);
  });

  it('counts every line feed of the multipart body, delimiters included', () => {
    assert.equal(s.body.lines, 8);
    assert.equal(s.body.bodyEnd, raw.bytes.length);
  });
});

describe('a nested boundary that extends its parent boundary', () => {
  it('reads "--ab" as the parent "a" delimiter while the child header is unfinished', () => {
    const message = lf(
      'Content-Type: multipart/mixed; boundary="a"',
      '',
      '--a',
      'Content-Type: multipart/mixed; boundary="ab"',
      'MIME-Version: 1.0',
      '--ab',
      'Content-Type: text/plain',
      '',
      '--ab--',
      '--a--',
      '',
      '',
    );
    const raw = rawOf(message);
    const s = summarize(message);
    const [cut, text, last] = parts(s.body);
    assert.equal(raw.header(cut as BodyPart), 'Content-Type: multipart/mixed; boundary="ab"\nMIME-Version: 1.0');
    // Its header never ended, so "ab" never became a boundary: no children.
    assert.deepStrictEqual(cut?.parts, []);
    assert.equal(raw.header(text as BodyPart), 'Content-Type: text/plain\n');
    assert.deepStrictEqual([raw.header(last as BodyPart), raw.body(last as BodyPart)], ['', '']);
    assert.equal(s.body.lines, 9);
    assert.equal(parts(s.body).length, 3);
  });

  it('lets the child take "--ab" once its header has ended', () => {
    const message = lf(
      'Content-Type: multipart/mixed; boundary="a"',
      '',
      '--a',
      'Content-Type: multipart/mixed; boundary="ab"',
      '',
      '--ab',
      'Content-Type: text/plain',
      '',
      'body',
    );
    const raw = rawOf(message);
    const s = summarize(message);
    const inner = parts(s.body)[0] as BodyPart;
    assert.equal(parts(inner).length, 1);
    assert.equal(raw.body(parts(inner)[0] as BodyPart), 'body');
  });
});

describe('a nested multipart that reuses its parent boundary', () => {
  it('gives the delimiter to the innermost multipart', () => {
    const message = lf(
      'Content-Type: multipart/mixed; boundary="a"',
      '',
      '--a',
      'Content-Type: multipart/mixed; boundary="a"',
      '',
      '--a',
      'Content-Type: text/plain',
      '',
      'body',
      '',
    );
    const raw = rawOf(message);
    const s = summarize(message);
    assert.equal(parts(s.body).length, 1);
    const inner = parts(s.body)[0] as BodyPart;
    assert.equal(inner.lines, 4);
    const text = parts(inner)[0] as BodyPart;
    assert.deepStrictEqual([raw.body(text), text.lines], ['body\n', 1]);
  });
});

describe('delimiter details', () => {
  it('recognises a close delimiter at the very end without a line ending', () => {
    const s = summarize('Content-Type: multipart/mixed; boundary=q\r\n\r\n--q\r\n\r\nonly\r\n--q--');
    assert.equal(parts(s.body).length, 1);
    assert.equal(parts(s.body)[0]?.size, 4);
  });

  it('prefers the longest matching boundary', () => {
    const message = lf(
      'Content-Type: multipart/mixed; boundary="b"',
      '',
      '--b',
      'Content-Type: multipart/mixed; boundary="bb"',
      '',
      '--bb',
      '',
      'inner',
      '--bb--',
      '--b--',
    );
    const s = summarize(message);
    const inner = parts(s.body)[0] as BodyPart;
    assert.equal(parts(inner).length, 1);
    assert.equal(rawOf(message).body(parts(inner)[0] as BodyPart), 'inner');
  });

  it('does not open a part for a delimiter that ends the message without a line ending', () => {
    const s = summarize('Content-Type: multipart/mixed; boundary=q\r\n\r\n--q\r\n\r\nonly\r\n--q');
    assert.equal(parts(s.body).length, 1);
  });
});
