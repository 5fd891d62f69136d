import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { readContent } from './content.ts';
import { leadingToken, parseLanguageList, parseMediaType, parseTrailingParams } from './params.ts';

describe('parseMediaType', () => {
  it('lowercases type, subtype and parameter names, and unquotes values', () => {
    assert.deepStrictEqual(parseMediaType('Text/HTML; Charset="UTF-8"; Format=Flowed'), {
      type: 'text',
      subtype: 'html',
      params: [['charset', 'UTF-8'], ['format', 'Flowed']],
    });
  });

  it('skips comments and whitespace', () => {
    assert.deepStrictEqual(parseMediaType(' text / plain (a comment) ; charset = us-ascii (Plain text)'), {
      type: 'text',
      subtype: 'plain',
      params: [['charset', 'us-ascii']],
    });
  });

  it('keeps an unquoted boundary with tspecials whole', () => {
    assert.deepStrictEqual(parseMediaType('multipart/alternative; boundary=----=_NextPart_000_0012_01D6.4A5B'), {
      type: 'multipart',
      subtype: 'alternative',
      params: [['boundary', '----=_NextPart_000_0012_01D6.4A5B']],
    });
  });

  it('keeps escaped quotes and semicolons inside quoted values', () => {
    assert.deepStrictEqual(parseMediaType('text/x-myown; foo="quoted\\"string; still"')?.params, [['foo', 'quoted"string; still']]);
  });

  it('joins RFC 2231 continuations and decodes their charset', () => {
    const value = "application/x-stuff; title*0*=us-ascii'en'This%20is%20even%20more%20; title*1*=%2A%2A%2Afun%2A%2A%2A%20; title*2=\"isn't it!\"";
    assert.deepStrictEqual(parseMediaType(value)?.params, [['title', "This is even more ***fun*** isn't it!"]]);
  });

  it('decodes a multi-byte character split across encoded sections', () => {
    assert.deepStrictEqual(parseTrailingParams("attachment; filename*0*=UTF-8''%E6%97; filename*1*=%A5.txt"), [['filename', '日.txt']]);
  });

  it('joins sections given out of order', () => {
    assert.deepStrictEqual(parseTrailingParams('attachment; name*1="b"; name*0="a"'), [['name', 'ab']]);
  });

  it('prefers the RFC 2231 value to a plain one, keeping the first position', () => {
    assert.deepStrictEqual(parseTrailingParams("attachment; filename=\"fallback.txt\"; size=10; filename*=iso-8859-1''%E9t%E9.txt"), [
      ['filename', 'été.txt'],
      ['size', '10'],
    ]);
  });

  it('keeps RFC 2047 words in parameters as written', () => {
    assert.deepStrictEqual(parseTrailingParams('attachment; filename="=?UTF-8?B?w6kudHh0?="'), [['filename', '=?UTF-8?B?w6kudHh0?=']]);
  });

  it('skips malformed parameters and keeps the rest', () => {
    assert.deepStrictEqual(parseMediaType('text/plain; ; junk; =x; charset=utf-8;')?.params, [['charset', 'utf-8']]);
  });

  it('has no subtype when it is missing, and is null without a type', () => {
    assert.equal(parseMediaType('text; charset=utf-8')?.subtype, null);
    assert.equal(parseMediaType('; charset=utf-8'), null);
    assert.equal(parseMediaType(''), null);
  });
});

describe('Content-* fields', () => {
  const content = (fields: Record<string, string>, context: 'top' | 'part' | 'digest' = 'part') =>
    readContent(new Map(Object.entries(fields)), context).fields;

  it('defaults to text/plain; charset=us-ascii, 7bit', () => {
    assert.deepStrictEqual(content({}), {
      type: 'text', subtype: 'plain', params: [['charset', 'us-ascii']], id: null, description: null,
      encoding: '7bit', md5: null, disposition: null, language: null, location: null,
    });
  });

  it('defaults to message/rfc822 inside multipart/digest', () => {
    assert.deepStrictEqual([content({}, 'digest').type, content({}, 'digest').subtype, content({}, 'digest').params], ['message', 'rfc822', []]);
  });

  it('adds the us-ascii charset to text without one, after the given parameters', () => {
    assert.deepStrictEqual(content({ 'content-type': 'text/plain; format=flowed' }).params, [['format', 'flowed'], ['charset', 'us-ascii']]);
  });

  it('reads "text; charset=..." (RFC 1049) as text/plain', () => {
    assert.deepStrictEqual(content({ 'content-type': 'text; charset=iso-8859-1' }).params, [['charset', 'iso-8859-1']]);
  });

  it('falls back to the default for a Content-Type without a subtype', () => {
    assert.deepStrictEqual([content({ 'content-type': 'image' }).type, content({ 'content-type': 'image' }).subtype], ['text', 'plain']);
  });

  it('lowercases the transfer encoding and ignores an invalid one', () => {
    assert.equal(content({ 'content-transfer-encoding': ' Base64 ' }).encoding, 'base64');
    assert.equal(content({ 'content-transfer-encoding': '?invalid' }).encoding, '7bit');
  });

  it('reads disposition, language, location, id, description and md5', () => {
    const c = content({
      'content-disposition': 'Attachment; filename="a b.txt"; size=3',
      'content-language': 'en, fi (Finnish),se',
      'content-location': 'http://example.com/test.txt',
      'content-id': '<foo@example.com>',
      'content-description': 'hello description',
      'content-md5': 'Q2hlY2sgSW50ZWdyaXR5IQ==',
    });
    assert.deepStrictEqual(c.disposition, { type: 'attachment', params: [['filename', 'a b.txt'], ['size', '3']] });
    assert.deepStrictEqual(c.language, ['en', 'fi', 'se']);
    assert.deepStrictEqual([c.location, c.id, c.description, c.md5], ['http://example.com/test.txt', '<foo@example.com>', 'hello description', 'Q2hlY2sgSW50ZWdyaXR5IQ==']);
  });

  it('ignores Content-* fields at the top of a message that is not MIME', () => {
    assert.equal(content({ 'content-transfer-encoding': 'base64' }, 'top').encoding, '7bit');
    assert.equal(content({ 'mime-version': '1.0', 'content-transfer-encoding': 'base64' }, 'top').encoding, 'base64');
  });

  it('small helpers: leading token and language list', () => {
    assert.equal(leadingToken('inline; x=y'), 'inline');
    assert.equal(leadingToken(''), null);
    assert.equal(parseLanguageList(''), null);
  });
});
