import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Args, BadArguments } from './args.ts';
import { parseFetchItems, sectionLabel, type BodyItem } from './fetch-items.ts';
import { RequestParser, type Token } from './parser.ts';
import { parseSearch } from './search-keys.ts';

function argsOf(line: string): Args {
  const parser = new RequestParser();
  parser.push(Buffer.from(`t CMD ${line}\r\n`));
  const e = parser.next();
  if (e.type !== 'request') throw new Error(`not a request: ${JSON.stringify(e)}`);
  return new Args(e.request.args as Token[]);
}

describe('FETCH attributes', () => {
  it('expands macros and reads sections with partial ranges', () => {
    assert.deepEqual(parseFetchItems(argsOf('FAST')).map((i) => i.kind), ['FLAGS', 'INTERNALDATE', 'RFC822.SIZE']);
    const [peek, mime, rfc] = parseFetchItems(argsOf('(BODY.PEEK[1.2.HEADER.FIELDS.NOT (Received "X-Spam")]<10.20> BODY[3.MIME] RFC822.HEADER)'));
    assert.deepEqual(peek, {
      kind: 'section', label: 'BODY', peek: true,
      section: { part: [1, 2], text: 'HEADER.FIELDS.NOT', fields: ['Received', 'X-Spam'] },
      partial: { start: 10, length: 20 },
    });
    assert.equal(sectionLabel((peek as BodyItem).section), '1.2.HEADER.FIELDS.NOT (RECEIVED X-SPAM)');
    assert.deepEqual((mime as BodyItem).section, { part: [3], text: 'MIME', fields: [] });
    assert.deepEqual(rfc, { kind: 'section', label: 'RFC822.HEADER', peek: true, section: { part: [], text: 'HEADER', fields: [] }, partial: null });
  });

  it('refuses what is not a fetch attribute', () => {
    for (const bad of ['(FLAGS BOGUS)', 'BODY[MIME]', 'BODY[0]', 'BODY[1.]', 'BODY[HEADER.FIELDS]', 'BODY[]<5>', '()', 'BODY.PEEK[.HEADER]']) {
      assert.throws(() => parseFetchItems(argsOf(bad)), BadArguments, bad);
    }
  });
});

describe('SEARCH keys', () => {
  it('reads nested OR/NOT, groups, dates, sizes, sets and a charset', () => {
    const program = parseSearch(argsOf('CHARSET UTF-8 OR (FROM bob SINCE 1-Feb-1994) NOT SEEN LARGER 100 2:4 UID 7:*'));
    assert.equal(program.charset, 'UTF-8');
    assert.deepEqual(program.key, {
      op: 'and',
      keys: [
        {
          op: 'or',
          a: { op: 'and', keys: [{ op: 'header', field: 'from', value: 'bob' }, { op: 'date', of: 'internal', cmp: 'since', day: '1994-02-01' }] },
          b: { op: 'not', key: { op: 'flag', flag: '\\Seen', set: true } },
        },
        { op: 'size', cmp: 'larger', octets: 100 },
        { op: 'seq', set: [{ from: 2, to: 4 }] },
        { op: 'uid', set: [{ from: 7, to: '*' }] },
      ],
    });
  });

  it('refuses unknown keys, missing operands and bad dates', () => {
    for (const bad of ['BOGUS', 'OR SEEN', 'SINCE 1994', 'LARGER x', '()', 'HEADER Subject', '']) {
      assert.throws(() => parseSearch(argsOf(bad)), BadArguments, bad);
    }
  });
});
