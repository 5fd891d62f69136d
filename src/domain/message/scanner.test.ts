import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  bigHeader,
  brokenBoundaries,
  digest,
  emptyBodies,
  forwardedMessage,
  headerOnly,
  mixedAlternativeAttachment,
  noHeader,
  part,
  rawOf,
  utf8Header,
} from './fixtures.ts';
import { MessageScanner, summarize } from './scanner.ts';
import type { BodyPart, Envelope } from './summary.ts';

const noEnvelope: Envelope = {
  date: null, subject: null, from: null, sender: null, replyTo: null,
  to: null, cc: null, bcc: null, inReplyTo: null, messageId: null,
};
const asciiText = { type: 'text', subtype: 'plain', params: [['charset', 'us-ascii']] } as const;

function child(p: BodyPart, ...path: number[]): BodyPart {
  let at = p;
  for (const i of path) at = at.parts?.[i] ?? assert.fail(`no part ${path.join('.')}`);
  return at;
}

describe('MessageScanner on a multipart/mixed with alternative and attachment', () => {
  const raw = rawOf(mixedAlternativeAttachment);
  const summary = summarize(mixedAlternativeAttachment);

  it('gives the exact body structure with byte offsets', () => {
    const plain = part({
      type: 'text', subtype: 'plain', params: [['charset', 'utf-8']], encoding: 'quoted-printable',
      headerStart: raw.at('Content-Type: text/plain'), bodyStart: raw.at('Caf=C3=A9'),
      bodyEnd: raw.at('\r\n--alt\r\nContent-Type: text/html'), lines: 1,
    });
    const html = part({
      type: 'text', subtype: 'html', params: [['charset', 'utf-8']],
      headerStart: raw.at('Content-Type: text/html'), bodyStart: raw.at('<p>'), bodyEnd: raw.at('\r\n--alt--'), lines: 1,
    });
    const alternative = part({
      type: 'multipart', subtype: 'alternative', params: [['boundary', 'alt']],
      headerStart: raw.at('Content-Type: multipart/alternative'), bodyStart: raw.at('--alt\r\n'),
      bodyEnd: raw.at('\r\n------=_Part_0_1\r\nContent-Type: application/pdf'), lines: 12, parts: [plain, html],
    });
    const pdf = part({
      type: 'application', subtype: 'pdf', params: [['name', 'Résumé.pdf']], encoding: 'base64', id: '<part3@example.com>',
      disposition: { type: 'attachment', params: [['filename', 'Résumé of the year.pdf']] },
      headerStart: raw.at('Content-Type: application/pdf'), bodyStart: raw.at('JVBERi0'),
      bodyEnd: raw.at('\r\n------=_Part_0_1--'), lines: 1,
    });
    const root = part({
      type: 'multipart', subtype: 'mixed', params: [['boundary', '----=_Part_0_1']],
      headerStart: 0, bodyStart: raw.at('This is a multi-part'), bodyEnd: raw.bytes.length, lines: 29, parts: [alternative, pdf],
    });
    assert.deepStrictEqual(summary.body, root);
    assert.equal(summary.size, raw.bytes.length);
    assert.equal(summary.headerSize, raw.at('This is a multi-part'));
  });

  it('cuts part bodies before the line ending that precedes each delimiter', () => {
    assert.equal(raw.body(child(summary.body, 0, 0)), 'Caf=C3=A9 report attached.\r\nSecond line.');
    assert.equal(raw.body(child(summary.body, 0, 1)), '<p>Caf&eacute; report attached.</p>\r\n');
    assert.equal(raw.body(child(summary.body, 1)), 'JVBERi0xLjQK\r\nJVBERi0xLjQK');
    // BODY[1.1.MIME]: the part's own header, blank line included.
    assert.equal(raw.header(child(summary.body, 0, 0)), 'Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n');
  });

  it('reads the envelope raw and the search fields decoded', () => {
    const jane = [{ name: 'Doe, Jane', adl: null, mailbox: 'jane', host: 'example.com' }];
    assert.deepStrictEqual(summary.envelope, {
      date: 'Tue, 1 Jul 2003 10:52:37 +0200',
      subject: '=?UTF-8?B?UmU6IENhZsOp?= report',
      from: jane,
      sender: jane,
      replyTo: jane,
      to: [
        { name: 'Bob Smith', adl: null, mailbox: 'bob', host: 'example.net' },
        { name: 'Carol', adl: null, mailbox: 'carol', host: 'example.org' },
      ],
      cc: null,
      bcc: null,
      inReplyTo: '<1233@local.machine.example>',
      messageId: '<1234@local.machine.example>',
    });
    const { envelope, body, size, headerSize, ...search } = summary;
    assert.deepStrictEqual(search, {
      subject: 'Re: Café report',
      from: 'Doe, Jane <jane@example.com>',
      to: 'Bob Smith <bob@example.net>, Carol <carol@example.org>',
      cc: '',
      sentDate: '2003-07-01T08:52:37.000Z',
      messageId: '<1234@local.machine.example>',
      inReplyTo: '<1233@local.machine.example>',
      references: ['<1232@local.machine.example>', '<1233@local.machine.example>'],
    });
  });

  it('gives a bare-LF copy the same structure at its own offsets', () => {
    const lf = mixedAlternativeAttachment.replaceAll('\r\n', '\n');
    const lfRaw = rawOf(lf);
    const lfSummary = summarize(lf);
    assert.equal(lfRaw.body(child(lfSummary.body, 0, 0)), 'Caf=C3=A9 report attached.\nSecond line.');
    assert.equal(lfRaw.body(child(lfSummary.body, 0, 1)), '<p>Caf&eacute; report attached.</p>\n');
    assert.equal(lfRaw.header(lfSummary.body), mixedAlternativeAttachment.slice(0, summary.headerSize).replaceAll('\r\n', '\n'));
    const shape = (p: BodyPart): unknown => [p.type, p.subtype, p.params, p.lines, p.disposition, (p.parts ?? []).map(shape)];
    assert.deepStrictEqual(shape(lfSummary.body), shape(summary.body));
    const { body: _a, size: _b, headerSize: _c, ...crlfRest } = summary;
    const { body: _d, size: _e, headerSize: _f, ...lfRest } = lfSummary;
    assert.deepStrictEqual(lfRest, crlfRest);
  });
});

describe('MessageScanner on message/rfc822', () => {
  const raw = rawOf(forwardedMessage);
  const summary = summarize(forwardedMessage);
  const forwarded = child(summary.body, 1);

  it('parses the enclosed message: its envelope, its multipart, its offsets', () => {
    const bodyStart = raw.at('From: Carol');
    const bodyEnd = raw.at('\r\n--fwd--');
    const inner = part({
      type: 'multipart', subtype: 'alternative', params: [['boundary', 'inner']],
      headerStart: bodyStart, bodyStart: raw.at('--inner\r\n'), bodyEnd, lines: 10,
      parts: [
        part({
          type: 'text', subtype: 'plain', params: [['charset', 'iso-8859-1']], encoding: 'quoted-printable',
          headerStart: raw.at('Content-Type: text/plain; charset=iso'), bodyStart: raw.at('R=E9union'),
          bodyEnd: raw.at('\r\n--inner\r\nContent-Type: text/html'), lines: 0,
        }),
        part({
          type: 'text', subtype: 'html', params: [['charset', 'iso-8859-1']],
          headerStart: raw.at('Content-Type: text/html'), bodyStart: raw.at('<p>'), bodyEnd: raw.at('\r\n--inner--'), lines: 0,
        }),
      ],
    });
    const carol = [{ name: 'Carol', adl: null, mailbox: 'carol', host: 'example.com' }];
    assert.deepStrictEqual(forwarded, part({
      type: 'message', subtype: 'rfc822', params: [], disposition: { type: 'inline', params: [] },
      headerStart: raw.at('Content-Type: message/rfc822'), bodyStart, bodyEnd, lines: 18,
      message: {
        envelope: {
          ...noEnvelope,
          date: 'Fri, 28 Feb 2025 17:30:00 +0100',
          subject: '=?ISO-8859-1?Q?Minutes_of_the_r=E9union?=',
          from: carol, sender: carol, replyTo: carol,
          to: [
            { name: null, adl: null, mailbox: 'team', host: null },
            { name: 'Alice', adl: null, mailbox: 'alice', host: 'example.org' },
            { name: null, adl: null, mailbox: 'bob', host: 'example.net' },
            { name: null, adl: null, mailbox: null, host: null },
          ],
          messageId: '<minutes-1@example.com>',
        },
        body: inner,
      },
    }));
    // BODY[2.HEADER] is the enclosed message's header, served from the same offsets.
    assert.match(raw.header(inner), /^From: Carol <carol@example\.com>\r\n[\s\S]*boundary="inner"\r\n\r\n$/);
  });

  it('keeps the enclosing text part and the top-level search fields apart', () => {
    assert.equal(raw.body(child(summary.body, 0)), 'See the forwarded message.\r\n');
    assert.equal(summary.subject, 'Fwd: minutes');
    assert.equal(summary.sentDate, '2025-03-03T14:00:00.000Z');
  });

  it('reads parts of a multipart/digest without Content-Type as messages', () => {
    const d = summarize(digest);
    const first = child(d.body, 0);
    assert.equal(first.type, 'message');
    assert.equal(first.subtype, 'rfc822');
    assert.equal(first.message?.envelope.subject, 'one');
    assert.equal(rawOf(digest).body(first.message?.body ?? assert.fail()), 'Body one.');
    assert.deepStrictEqual([child(d.body, 1).type, child(d.body, 1).subtype], ['text', 'plain']);
  });

  it('parses message/global (RFC 6532) like message/rfc822', () => {
    const s = summarize('Content-Type: message/global\r\n\r\nSubject: Grüße\r\n\r\nhi\r\n');
    assert.equal(s.body.message?.envelope.subject, 'Grüße');
  });

  it('leaves an encoded message/rfc822 unparsed', () => {
    const s = summarize('Content-Type: message/rfc822\r\nContent-Transfer-Encoding: base64\r\n\r\nRnJvbTogeEB5\r\n');
    assert.equal(s.body.message, undefined);
    assert.equal(s.body.lines, 1);
  });
});

describe('MessageScanner on broken and unusual delimiters', () => {
  const raw = rawOf(brokenBoundaries);
  const summary = summarize(brokenBoundaries);

  it('ends a header cut by a delimiter before its last line ending, with an empty body', () => {
    const cut = child(summary.body, 0);
    assert.deepStrictEqual(cut, part({ ...asciiText, headerStart: raw.at('Content-Type: text/plain'), bodyStart: raw.at('\r\n--b  \t'), bodyEnd: raw.at('\r\n--b  \t'), lines: 0 }));
    assert.equal(raw.header(cut), 'Content-Type: text/plain');
  });

  it('accepts transport padding and a suffix after the boundary, and excludes preamble and epilogue', () => {
    assert.equal(raw.body(child(summary.body, 1)), 'first line');
    assert.deepStrictEqual(child(summary.body, 1).params, [['charset', 'utf-8']]);
    assert.equal(child(summary.body, 2).subtype, 'alternative');
    assert.equal(summary.body.parts?.length, 3);
  });

  it('closes a nested multipart left open when its parent closes', () => {
    const open = child(summary.body, 2);
    assert.equal(raw.body(open), '--b2\r\nContent-Type: text/plain\r\n\r\nnever closed');
    assert.equal(raw.body(child(open, 0)), 'never closed');
    assert.equal(summary.body.bodyEnd, raw.bytes.length);
  });

  it('gives the blank line before a delimiter to the delimiter (as Dovecot does)', () => {
    const e = rawOf(emptyBodies);
    const s = summarize(emptyBodies);
    const message = child(s.body, 0);
    const at = e.at('\r\n--ab\r\nContent-Type: text/plain');
    assert.equal(e.header(message), 'Content-Type: message/rfc822\r\n');
    assert.deepStrictEqual([message.bodyStart, message.bodyEnd], [at, at]);
    assert.deepStrictEqual(message.message, {
      envelope: noEnvelope,
      body: part({ ...asciiText, headerStart: at, bodyStart: at, bodyEnd: at, lines: 0 }),
    });
    assert.equal(e.header(child(s.body, 1)), 'Content-Type: text/plain\r\n');
    assert.equal(child(s.body, 1).size, 0);
  });

  it('gives a multipart whose boundary never appears no parts', () => {
    const s = summarize('Content-Type: multipart/mixed; boundary=zz\r\n\r\nplain text\r\n');
    assert.deepStrictEqual(s.body.parts, []);
    assert.equal(s.body.size, 12);
  });
});

describe('MessageScanner on headers', () => {
  it('reads a message that starts with the blank line as all body', () => {
    const s = summarize(noHeader);
    assert.deepStrictEqual(s.body, part({ ...asciiText, headerStart: 0, bodyStart: 2, bodyEnd: 16, lines: 1 }));
    assert.deepStrictEqual(s.envelope, noEnvelope);
    assert.equal(s.headerSize, 2);
    assert.deepStrictEqual([s.subject, s.from, s.sentDate, s.messageId], ['', '', null, null]);
  });

  it('reads a message without a blank line as all header, with an empty body', () => {
    const s = summarize(headerOnly);
    assert.deepStrictEqual(s.body, part({ ...asciiText, headerStart: 0, bodyStart: 37, bodyEnd: 37, lines: 0 }));
    assert.equal(s.envelope.subject, 'no body');
    assert.equal(s.from, 'a@example.com');
  });

  it('reads an empty message', () => {
    const s = summarize('');
    assert.deepStrictEqual(s.body, part({ ...asciiText, headerStart: 0, bodyStart: 0, bodyEnd: 0, lines: 0 }));
    assert.equal(s.size, 0);
  });

  it('reads a 10,000-line header', () => {
    const s = summarize(bigHeader);
    assert.equal(s.envelope.subject, 'survived');
    assert.equal(rawOf(bigHeader).body(s.body), 'Body.\r\n');
  });

  it('stops keeping a header past the cap but still finds where it ends', () => {
    const raw = `From: early@example.com\r\n${bigHeader}`;
    const scanner = new MessageScanner({ maxHeaderBytes: 4096 });
    scanner.push(Buffer.from(raw));
    const s = scanner.finish();
    assert.equal(s.from, 'early@example.com');
    assert.equal(s.envelope.subject, null);
    assert.equal(rawOf(raw).body(s.body), 'Body.\r\n');
  });

  it('decodes 8-bit UTF-8 header fields (RFC 6532)', () => {
    const s = summarize(utf8Header);
    assert.deepStrictEqual(s.envelope.from, [{ name: 'Jörg Müller', adl: null, mailbox: 'jörg', host: 'exämple.de' }]);
    assert.equal(s.envelope.subject, 'Grüße aus Köln, =?UTF-8?B?5pel5pys6Kqe44Gu5Lu25ZCN?=');
    assert.equal(s.subject, 'Grüße aus Köln, 日本語の件名');
    assert.equal(s.to, '山田 <yamada@example.jp>');
    assert.equal(rawOf(utf8Header).body(s.body), 'Grüße!\r\n');
    assert.equal(s.body.encoding, '8bit');
  });

  it('falls back to windows-1252 for legacy 8-bit headers', () => {
    const s = summarize(Uint8Array.from([...Buffer.from('Subject: '), 0x93, 0xe9, 0x74, 0xe9, 0x94, 0x0d, 0x0a, 0x0d, 0x0a]));
    assert.equal(s.subject, '“été”');
  });

  it('ignores Content-* fields of a message that is not MIME', () => {
    const s = summarize('Subject: x\r\nContent-Transfer-Encoding: base64\r\n\r\nbody\r\n');
    assert.equal(s.body.encoding, '7bit');
  });
});

describe('MessageScanner limits and misuse', () => {
  it('stops nesting at maxDepth', () => {
    const nested = (depth: number): string =>
      depth === 0 ? 'Content-Type: text/plain\r\n\r\nleaf' : `Content-Type: message/rfc822\r\n\r\n${nested(depth - 1)}`;
    const scanner = new MessageScanner({ maxDepth: 3 });
    scanner.push(Buffer.from(nested(10)));
    let p: BodyPart | undefined = scanner.finish().body;
    let depth = 0;
    while (p?.message !== undefined) {
      p = p.message.body;
      depth++;
    }
    assert.equal(depth, 3);
  });

  it('reads hostile near-1-MiB header fields in linear time', () => {
    // Generous bound: each takes well under a second; a quadratic parser takes minutes.
    const hostile = [
      `To: ${'word '.repeat(190_000)}`,
      `To: ${'g: a@b;'.repeat(140_000)}`,
      `Subject: ${'=?utf-8?q?a?= '.repeat(70_000)}`,
      `MIME-Version: 1.0\r\nContent-Type: text/plain${'; a*1*=%41'.repeat(90_000)}`,
    ];
    for (const field of hostile) {
      const started = performance.now();
      summarize(`${field}\r\n\r\nbody`);
      assert.ok(performance.now() - started < 5000, field.slice(0, 20));
    }
  });

  it('refuses to be fed after finish', () => {
    const scanner = new MessageScanner();
    scanner.finish();
    assert.throws(() => scanner.push(new Uint8Array(1)));
  });
});
