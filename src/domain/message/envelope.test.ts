import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { crlf, groupAddresses } from './fixtures.ts';
import { summarize } from './scanner.ts';

const headerOf = (...lines: string[]) => summarize(crlf(...lines, '', 'body'));

describe('envelope', () => {
  it('takes Sender and Reply-To from From when they are absent or empty (RFC 3501)', () => {
    const s = headerOf('From: a@example.com', 'Reply-To:');
    const from = [{ name: null, adl: null, mailbox: 'a', host: 'example.com' }];
    assert.deepStrictEqual([s.envelope.sender, s.envelope.replyTo], [from, from]);
  });

  it('keeps Sender and Reply-To when given', () => {
    const s = headerOf('From: a@example.com', 'Sender: list@example.org', 'Reply-To: b@example.net');
    assert.equal(s.envelope.sender?.[0]?.mailbox, 'list');
    assert.equal(s.envelope.replyTo?.[0]?.mailbox, 'b');
  });

  it('gives null for an empty address list and "" for an empty subject', () => {
    const s = headerOf('To:', 'Cc: ,', 'Subject:');
    assert.deepStrictEqual([s.envelope.to, s.envelope.cc, s.envelope.subject], [null, null, '']);
  });

  it('takes the first of repeated fields', () => {
    const s = headerOf('Subject: first', 'From: one@example.com', 'Subject: second', 'From: two@example.com');
    assert.deepStrictEqual([s.envelope.subject, s.from], ['first', 'one@example.com']);
  });

  it('unfolds folded fields and keeps encoded-words raw', () => {
    const s = headerOf('Subject: =?utf-8?q?a?=', ' =?utf-8?q?b?=  tail');
    assert.equal(s.envelope.subject, '=?utf-8?q?a?= =?utf-8?q?b?=  tail');
    assert.equal(s.subject, 'ab  tail');
  });

  it('encodes undisclosed-recipients and groups with members as RFC 3501 says', () => {
    const s = summarize(groupAddresses);
    const end = { name: null, adl: null, mailbox: null, host: null };
    assert.deepStrictEqual(s.envelope.to, [{ name: null, adl: null, mailbox: 'undisclosed-recipients', host: null }, end]);
    assert.deepStrictEqual(s.envelope.cc, [
      { name: null, adl: null, mailbox: 'Friends', host: null },
      { name: 'Joe Q. Public', adl: null, mailbox: 'john.q.public', host: 'example.com' },
      { name: 'Mary', adl: null, mailbox: 'mary', host: 'x.test' },
      end,
      { name: '=?utf-8?Q?J=C3=B6rg?=', adl: null, mailbox: 'joerg', host: 'example.de' },
    ]);
    assert.equal(s.to, 'undisclosed-recipients:;');
    assert.equal(s.cc, 'Friends: Joe Q. Public <john.q.public@example.com>, Mary <mary@x.test>;, Jörg <joerg@example.de>');
  });
});

describe('search fields', () => {
  it('reads message ids in angle brackets', () => {
    const s = headerOf(
      'Message-ID: <abc@example.com> (comment)',
      'In-Reply-To: Your message of Tue <prev@example.com>',
      'References: <r1@example.com>',
      '\t<r2@example.com> <r3@',
      ' example.com>',
    );
    assert.deepStrictEqual([s.messageId, s.inReplyTo, s.references], ['<abc@example.com>', '<prev@example.com>', ['<r1@example.com>', '<r2@example.com>', '<r3@example.com>']]);
  });

  it('keeps a Message-ID without brackets, and drops an In-Reply-To without a msg-id', () => {
    const s = headerOf('Message-ID: abc@example.com', 'In-Reply-To: your mail of yesterday');
    assert.deepStrictEqual([s.messageId, s.inReplyTo], ['abc@example.com', null]);
  });

  it('gives nulls and empty strings when the fields are missing', () => {
    const s = headerOf('X-Other: 1');
    assert.deepStrictEqual([s.subject, s.from, s.to, s.cc, s.sentDate, s.messageId, s.inReplyTo, s.references], ['', '', '', '', null, null, null, []]);
  });

  it('gives a null sentDate for an unparseable Date', () => {
    assert.equal(headerOf('Date: the day before yesterday').sentDate, null);
    assert.equal(headerOf('Date: the day before yesterday').envelope.date, 'the day before yesterday');
  });
});
