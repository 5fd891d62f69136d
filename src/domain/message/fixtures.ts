// Raw messages for the scanner tests: real-looking mail with the structures and oddities
// that clients and other servers produce.
import type { BodyPart } from './summary.ts';

/** Joins lines with CRLF, as SMTP and IMAP carry them; a final '' gives a trailing CRLF. */
export function crlf(...lines: string[]): string {
  return lines.join('\r\n');
}

/** multipart/mixed > (multipart/alternative, attachment with an RFC 2231 filename). */
export const mixedAlternativeAttachment = crlf(
  'Return-Path: <jane@example.com>',
  'From: "Doe, Jane" <jane@example.com>',
  'To: Bob Smith <bob@example.net>, carol@example.org (Carol)',
  'Subject: =?UTF-8?B?UmU6IENhZsOp?= report',
  'Date: Tue, 1 Jul 2003 10:52:37 +0200',
  'Message-ID: <1234@local.machine.example>',
  'In-Reply-To: <1233@local.machine.example>',
  'References: <1232@local.machine.example>',
  ' <1233@local.machine.example>',
  'MIME-Version: 1.0',
  'Content-Type: multipart/mixed;',
  ' boundary="----=_Part_0_1"',
  '',
  'This is a multi-part message in MIME format.',
  '------=_Part_0_1',
  'Content-Type: multipart/alternative; boundary=alt',
  '',
  '--alt',
  'Content-Type: text/plain; charset=utf-8',
  'Content-Transfer-Encoding: quoted-printable',
  '',
  'Caf=C3=A9 report attached.',
  'Second line.',
  '--alt',
  'Content-Type: text/html; charset="utf-8"',
  '',
  '<p>Caf&eacute; report attached.</p>',
  '',
  '--alt--',
  '',
  '------=_Part_0_1',
  "Content-Type: application/pdf; name*=utf-8''R%C3%A9sum%C3%A9.pdf",
  'Content-Disposition: attachment;',
  " filename*0*=utf-8''R%C3%A9sum%C3%A9%20;",
  ' filename*1="of the year.pdf"',
  'Content-Transfer-Encoding: base64',
  'Content-ID: <part3@example.com>',
  '',
  'JVBERi0xLjQK',
  'JVBERi0xLjQK',
  '------=_Part_0_1--',
  'Epilogue.',
  '',
);

/** A forwarded message (message/rfc822 with its own multipart) inside a multipart/mixed. */
export const forwardedMessage = crlf(
  'From: Alice <alice@example.org>',
  'To: Bob <bob@example.net>',
  'Subject: Fwd: minutes',
  'Date: Mon, 3 Mar 2025 09:00:00 -0500',
  'MIME-Version: 1.0',
  'Content-Type: multipart/mixed; boundary="fwd"',
  '',
  '--fwd',
  'Content-Type: text/plain',
  '',
  'See the forwarded message.',
  '',
  '--fwd',
  'Content-Type: message/rfc822',
  'Content-Disposition: inline',
  '',
  'From: Carol <carol@example.com>',
  'To: team: Alice <alice@example.org>, bob@example.net;',
  'Subject: =?ISO-8859-1?Q?Minutes_of_the_r=E9union?=',
  'Date: Fri, 28 Feb 2025 17:30:00 +0100',
  'Message-ID: <minutes-1@example.com>',
  'MIME-Version: 1.0',
  'Content-Type: multipart/alternative; boundary="inner"',
  '',
  '--inner',
  'Content-Type: text/plain; charset=iso-8859-1',
  'Content-Transfer-Encoding: quoted-printable',
  '',
  'R=E9union at noon.',
  '--inner',
  'Content-Type: text/html; charset=iso-8859-1',
  '',
  '<p>R&eacute;union at noon.</p>',
  '--inner--',
  '',
  '--fwd--',
  '',
);

export const groupAddresses = crlf(
  'From: Dept <dept@example.com>',
  'To: undisclosed-recipients:;',
  'Cc: Friends: "Joe Q. Public" <john.q.public@example.com>, mary@x.test (Mary);,',
  '  =?utf-8?Q?J=C3=B6rg?= <joerg@example.de>',
  'Subject: groups',
  '',
  'Hello.',
  '',
);

/** Starts with the blank line: an empty header, everything else is body. */
export const noHeader = crlf('', 'Just a body.', '');

/** No blank line at all: everything is header and the body is empty, as in Dovecot. */
export const headerOnly = crlf('Subject: no body', 'From: a@example.com');

export const utf8Header = crlf(
  'From: "Jörg Müller" <jörg@exämple.de>',
  'To: 山田 <yamada@example.jp>',
  'Subject: Grüße aus Köln, =?UTF-8?B?5pel5pys6Kqe44Gu5Lu25ZCN?=',
  'Content-Type: text/plain; charset=utf-8',
  'Content-Transfer-Encoding: 8bit',
  'MIME-Version: 1.0',
  '',
  'Grüße!',
  '',
);

/** A header of 10,000 trace lines before the fields that matter. */
export const bigHeader = crlf(
  ...Array.from({ length: 10_000 }, (_, i) => `Received: from relay${i}.example.net by mx.example.com; Tue, 1 Jul 2003 10:52:37 +0200`),
  'Subject: survived',
  '',
  'Body.',
  '',
);

/** Delimiter oddities: a header cut by a delimiter, transport padding, a prefix match with a
 * suffix, a nested multipart left open by its missing close delimiter, preamble and epilogue. */
export const brokenBoundaries = crlf(
  'Content-Type: multipart/mixed; boundary="b"',
  '',
  'preamble',
  '--b',
  'Content-Type: text/plain',
  '--b  \t',
  'Content-Type: text/plain; charset=utf-8',
  '',
  'first line',
  '--bogus suffix',
  'Content-Type: multipart/alternative; boundary="b2"',
  '',
  '--b2',
  'Content-Type: text/plain',
  '',
  'never closed',
  '--b--',
  'epilogue',
);

/** Delimiters right after a header's blank line: that line ending belongs to the delimiter. */
export const emptyBodies = crlf(
  'Content-Type: multipart/mixed; boundary="ab"',
  '',
  '--ab',
  'Content-Type: message/rfc822',
  '',
  '--ab',
  'Content-Type: text/plain',
  '',
  '--ab--',
  '',
);

/** multipart/digest: parts without Content-Type are message/rfc822 (RFC 2046 section 5.1.5). */
export const digest = crlf(
  'MIME-Version: 1.0',
  'Subject: digest',
  'Content-Type: multipart/digest; boundary="d"',
  '',
  '--d',
  '',
  'From: x@example.com',
  'Subject: one',
  '',
  'Body one.',
  '--d',
  'Content-Type: text/plain',
  '',
  'not a message',
  '--d--',
  '',
);

/** Every fixture, for the tests that must hold for all of them. */
export const allFixtures: Readonly<Record<string, string>> = {
  mixedAlternativeAttachment,
  mixedAlternativeAttachmentBareLf: mixedAlternativeAttachment.replaceAll('\r\n', '\n'),
  forwardedMessage,
  groupAddresses,
  noHeader,
  headerOnly,
  empty: '',
  utf8Header,
  bigHeader,
  brokenBoundaries,
  emptyBodies,
  digest,
};

/** A BodyPart with the Content-* fields a bare header leaves at their defaults. */
export function part(
  p: Pick<BodyPart, 'type' | 'subtype' | 'params' | 'headerStart' | 'bodyStart' | 'bodyEnd' | 'lines'> & Partial<BodyPart>,
): BodyPart {
  return {
    id: null,
    description: null,
    encoding: '7bit',
    md5: null,
    disposition: null,
    language: null,
    location: null,
    size: p.bodyEnd - p.bodyStart,
    ...p,
  };
}

/** Byte offsets of landmarks in a raw message, and the bytes of a part, for offset checks. */
export function rawOf(raw: string) {
  const bytes = Buffer.from(raw);
  return {
    bytes,
    at(marker: string, from = 0): number {
      const i = bytes.indexOf(marker, from);
      if (i < 0) throw new Error(`fixture has no ${JSON.stringify(marker)}`);
      return i;
    },
    header: (p: BodyPart): string => bytes.subarray(p.headerStart, p.bodyStart).toString(),
    body: (p: BodyPart): string => bytes.subarray(p.bodyStart, p.bodyEnd).toString(),
  };
}
