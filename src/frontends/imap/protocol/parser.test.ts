import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { RequestParser, type ParserEvent, type Token } from './parser.ts';

type Outcome = (string | object)[];

function show(t: Token): unknown {
  switch (t.kind) {
    case 'atom':
      return t.section === undefined ? t.value : { atom: t.value, section: t.section.map(show), partial: t.partial };
    case 'string':
      return { [t.literal ? 'literal' : 'quoted']: t.value.toString('latin1') };
    case 'list':
      return t.items.map(show);
    case 'stream':
      return { stream: t.size };
  }
}

/** Feeds `input` in chunks of `size`; APPEND literals are streamed, others buffered. */
function run(input: string | Buffer, size: number, opts: { maxLiteral?: number; lineOn?: string } = {}): Outcome {
  const bytes = Buffer.isBuffer(input) ? input : Buffer.from(input, 'latin1');
  const parser = new RequestParser({ maxLineBytes: 200 });
  const out: Outcome = [];
  let streamed: Buffer[] = [];
  const drain = () => {
    for (;;) {
      const e: ParserEvent = parser.next();
      if (e.type === 'more') return;
      if (e.type === 'literal') {
        out.push({ literal: e.size, sync: e.sync, command: e.command });
        if (e.size > (opts.maxLiteral ?? 100)) parser.rejectLiteral();
        else parser.acceptLiteral(e.command === 'APPEND' ? 'stream' : 'buffer');
      } else if (e.type === 'data') streamed.push(e.chunk);
      else if (e.type === 'request') {
        if (streamed.length) out.push({ data: Buffer.concat(streamed).toString('latin1') });
        streamed = [];
        out.push({ tag: e.request.tag, command: e.request.command, args: e.request.args.map(show) });
        if (e.request.command === opts.lineOn) parser.readLine();
      } else if (e.type === 'line') out.push({ line: e.text });
      else out.push({ bad: e.text, tag: e.tag, fatal: e.fatal });
    }
  };
  for (let i = 0; i < bytes.length; i += size) {
    parser.push(bytes.subarray(i, i + size));
    drain();
  }
  return out;
}

const SIZES = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512];

/** Every chunking gives what the whole input at once gives. */
function sameInEveryChunking(input: string, opts: Parameters<typeof run>[2] = {}): Outcome {
  const whole = run(input, input.length || 1, opts);
  for (const size of SIZES) assert.deepEqual(run(input, size, opts), whole, `chunks of ${size}`);
  return whole;
}

const TRANSCRIPTS: Record<string, string> = {
  login: 'a1 LOGIN "joe@example.org" "pa\\"ss\\\\word"\r\na2 LOGIN {5}\r\nalice {3}\r\nxyz\r\n',
  fetch: 'f1 UID FETCH 1:*,7 (FLAGS BODY.PEEK[HEADER.FIELDS (Subject From)]<0.100> BODY[1.2.MIME] BODY[] RFC822.SIZE)\r\n',
  select: 's1 SELECT INBOX\r\ns2 EXAMINE "Sent Items"\r\ns3 select &AOQ-rger\r\n',
  search: 'x SEARCH CHARSET UTF-8 OR (FROM "bob" SINCE 1-Feb-1994) NOT SEEN HEADER X-Spam {3+}\r\nyes\r\n',
  append: 'p APPEND Drafts (\\Seen $Work) " 5-Mar-2024 10:00:00 +0100" {12}\r\nHello\r\nWorld\r\n',
  appendPlus: 'p APPEND INBOX {5+}\r\nab\r\nc\r\nq NOOP\r\n',
  list: 'l LIST "" %\r\nl2 LIST "" "*"\r\nl3 LSUB "" [Gmail]/*\r\n',
  idle: 'i IDLE\r\nDONE\r\nn NOOP\r\n',
  store: 'st STORE 2:4 +FLAGS.SILENT (\\Deleted)\r\n',
  bareLf: 'a NOOP\nb CAPABILITY\n',
};

describe('IMAP request parser', () => {
  it('parses each transcript the same in chunks of 1, 2, 4 ... 512 bytes', () => {
    for (const [name, text] of Object.entries(TRANSCRIPTS)) {
      const out = sameInEveryChunking(text, { lineOn: 'IDLE' });
      assert.ok(out.length > 0, name);
    }
  });

  it('reads quoted strings, literals and the UID command name', () => {
    assert.deepEqual(run(TRANSCRIPTS.login!, 7), [
      { tag: 'a1', command: 'LOGIN', args: [{ quoted: 'joe@example.org' }, { quoted: 'pa"ss\\word' }] },
      { literal: 5, sync: true, command: 'LOGIN' },
      { literal: 3, sync: true, command: 'LOGIN' },
      { tag: 'a2', command: 'LOGIN', args: [{ literal: 'alice' }, { literal: 'xyz' }] },
    ]);
  });

  it('reads BODY sections with header lists and partial ranges', () => {
    assert.deepEqual(run(TRANSCRIPTS.fetch!, 3), [
      {
        tag: 'f1',
        command: 'UID FETCH',
        args: [
          '1:*,7',
          [
            'FLAGS',
            { atom: 'BODY.PEEK', section: ['HEADER.FIELDS', ['Subject', 'From']], partial: '0.100' },
            { atom: 'BODY', section: ['1.2.MIME'], partial: undefined },
            { atom: 'BODY', section: [], partial: undefined },
            'RFC822.SIZE',
          ],
        ],
      },
    ]);
  });

  it('keeps brackets inside mailbox names that are not sections', () => {
    const out = run(TRANSCRIPTS.list!, 5);
    assert.deepEqual(out[2], { tag: 'l3', command: 'LSUB', args: [{ quoted: '' }, '[Gmail]/*'] });
  });

  it('streams an APPEND literal and resumes parsing after it', () => {
    assert.deepEqual(run(TRANSCRIPTS.appendPlus!, 2), [
      { literal: 5, sync: false, command: 'APPEND' },
      { data: 'ab\r\nc' },
      { tag: 'p', command: 'APPEND', args: ['INBOX', { stream: 5 }] },
      { tag: 'q', command: 'NOOP', args: [] },
    ]);
  });

  it('hands IDLE its DONE line raw', () => {
    assert.deepEqual(run(TRANSCRIPTS.idle!, 1, { lineOn: 'IDLE' }), [
      { tag: 'i', command: 'IDLE', args: [] },
      { line: 'DONE' },
      { tag: 'n', command: 'NOOP', args: [] },
    ]);
  });

  it('reports a bad line once, with its tag, and carries on with the next', () => {
    const cases: [string, string, string | null][] = [
      ['a1 FETCH 1 (FLAGS\r\n', 'Unbalanced "("', 'a1'],
      ['a2 FETCH 1 FLAGS)\r\n', 'Unexpected ")"', 'a2'],
      ['a3 LOGIN "unterminated\r\n', 'Line break inside a quoted string', 'a3'],
      ['a4 LOGIN {abc}\r\n', 'Invalid literal', 'a4'],
      ['\x00\x01\x02garbage\r\n', 'Invalid character', null],
      ['+tag NOOP\r\n', 'Invalid tag', null],
      ['a5\r\n', 'Invalid command name', 'a5'],
      ['a6 FETCH 1 BODY[HEADER\r\n', 'Unbalanced "["', 'a6'],
    ];
    for (const [line, text, tag] of cases) {
      const out = sameInEveryChunking(line + 'ok NOOP\r\n');
      assert.deepEqual(out, [{ bad: text, tag, fatal: false }, { tag: 'ok', command: 'NOOP', args: [] }], line);
    }
  });

  it('skips the non-synchronizing literal of a bad line instead of obeying its bytes', () => {
    const out = sameInEveryChunking('a1 FETCH ) {9+}\r\nb2 LOGOUT\r\nc NOOP\r\n');
    assert.deepEqual(out, [{ bad: 'Unexpected ")"', tag: 'a1', fatal: false }, { tag: 'c', command: 'NOOP', args: [] }]);
  });

  it('asks about a literal before reading it, so a refused one is never read', () => {
    const out = run('a APPEND INBOX {1000}\r\nb NOOP\r\n', 4);
    assert.deepEqual(out, [{ literal: 1000, sync: true, command: 'APPEND' }, { tag: 'b', command: 'NOOP', args: [] }]);
  });

  it('refuses an endless line as fatal', () => {
    const out = run('a ' + 'x'.repeat(500), 64);
    assert.deepEqual(out, [{ bad: 'Command line too long', tag: 'a', fatal: true }]);
  });

  it('never throws and never loops on random or mutated input (bounded fuzz)', () => {
    const alphabet = fc.constantFrom(...'a1 ()[]<>{}"\\+*%.:\r\n\x00\xffBODYFETCH{3}'.split(''));
    const mutated = fc
      .tuple(fc.constantFrom(...Object.values(TRANSCRIPTS)), fc.array(fc.tuple(fc.nat(), fc.string({ maxLength: 3 })), { maxLength: 5 }))
      .map(([text, edits]) => edits.reduce((s, [at, ins]) => s.slice(0, at % (s.length + 1)) + ins + s.slice((at % (s.length + 1)) + 1), text));
    const input = fc.oneof(fc.array(alphabet, { maxLength: 300 }).map((a) => a.join('')), mutated);
    const deadline = Date.now() + 3000;
    fc.assert(
      fc.property(input, fc.integer({ min: 1, max: 64 }), (text, size) => {
        if (Date.now() > deadline) return;
        const whole = run(text, Math.max(1, text.length), { maxLiteral: 50 });
        assert.deepEqual(run(text, size, { maxLiteral: 50 }), whole);
      }),
      { numRuns: 3000 },
    );
  });
});
