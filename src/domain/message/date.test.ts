import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseMessageDate } from './date.ts';

describe('parseMessageDate', () => {
  const cases: [string, string, string | null][] = [
    ['RFC 5322', 'Fri, 21 Nov 1997 09:55:06 -0600', '1997-11-21T15:55:06.000Z'],
    ['no day name', '21 Nov 1997 09:55:06 +0000', '1997-11-21T09:55:06.000Z'],
    ['no seconds', 'Tue, 1 Jul 2003 10:52 +0200', '2003-07-01T08:52:00.000Z'],
    ['zone comment', 'Tue, 1 Jul 2003 10:52:37 +0200 (CEST)', '2003-07-01T08:52:37.000Z'],
    ['folding whitespace and odd spacing', 'Thu,\r\n  13\r\n    Feb\r\n      1969\r\n  23:32\r\n   -0330 (Newfoundland Time)', '1969-02-14T03:02:00.000Z'],
    ['obsolete zone GMT', 'Mon, 2 Jan 2006 15:04:05 GMT', '2006-01-02T15:04:05.000Z'],
    ['obsolete zone EDT', '1 Jan 2000 12:00:00 EDT', '2000-01-01T16:00:00.000Z'],
    ['obsolete zone PST', '1 Jan 2000 12:00:00 PST', '2000-01-01T20:00:00.000Z'],
    ['military zone means -0000', '1 Jan 2000 12:00:00 Z', '2000-01-01T12:00:00.000Z'],
    ['unknown zone name means -0000', '1 Jan 2000 12:00:00 CEST', '2000-01-01T12:00:00.000Z'],
    ['missing zone', '1 Jan 2000 12:00:00', '2000-01-01T12:00:00.000Z'],
    ['two-digit year before 50', '1 Jan 05 00:00:00 +0000', '2005-01-01T00:00:00.000Z'],
    ['two-digit year from 50', '1 Jan 99 00:00:00 +0000', '1999-01-01T00:00:00.000Z'],
    ['three-digit year', '1 Jan 103 00:00:00 +0000', '2003-01-01T00:00:00.000Z'],
    ['dashes and full month name', '01-January-2010 08:00:00 +0100', '2010-01-01T07:00:00.000Z'],
    ['lowercase', 'sat, 24 mar 2007 23:00:00 +0200', '2007-03-24T21:00:00.000Z'],
    ['asctime', 'Mon Jan  2 15:04:05 2006', '2006-01-02T15:04:05.000Z'],
    ['offset crossing the year', 'Thu, 31 Dec 2099 23:30:00 -0100', '2100-01-01T00:30:00.000Z'],
    ['leap day', '29 Feb 2024 12:00:00 +0000', '2024-02-29T12:00:00.000Z'],
    ['no such day', '30 Feb 2024 12:00:00 +0000', null],
    ['no such hour', '1 Jan 2000 24:00:00 +0000', null],
    ['no such month', '1 Foo 2000 12:00:00 +0000', null],
    ['not a date', 'yesterday', null],
    ['empty', '', null],
  ];
  for (const [what, input, expected] of cases) {
    it(what, () => assert.equal(parseMessageDate(input), expected));
  }
});
