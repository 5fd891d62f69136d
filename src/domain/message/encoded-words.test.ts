import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodeEncodedWords } from './encoded-words.ts';

describe('decodeEncodedWords', () => {
  const cases: [string, string, string][] = [
    ['UTF-8 B', '=?UTF-8?B?UmU6IENhZsOp?=', 'Re: Café'],
    ['ISO-8859-1 Q with underscores', '=?ISO-8859-1?Q?Minutes_of_the_r=E9union?=', 'Minutes of the réunion'],
    ['lowercase b and q', '=?utf-8?b?w6k=?= =?utf-8?q?=C3=A9?=', 'éé'],
    ['two adjacent words, the space between dropped', '=?UTF-8?Q?Hello_?= =?UTF-8?Q?world?=', 'Hello world'],
    ['words separated by folding whitespace', '=?utf-8?q?a?=\r\n\t=?utf-8?q?b?=', 'ab'],
    ['text between words kept', '=?utf-8?q?a?= and =?utf-8?q?b?=', 'a and b'],
    ['plain text around a word', 'Re: =?utf-8?q?caf=C3=A9?= (2)', 'Re: café (2)'],
    ['a multi-byte character split across two words', '=?UTF-8?B?8J+Y?= =?UTF-8?B?gA==?=', '😀'],
    ['different charsets side by side', '=?ISO-8859-2?Q?=B1?= =?KOI8-R?B?8NLJ18XU?=', 'ąПривет'],
    ['windows-1252', '=?windows-1252?Q?=80_5_=93ok=94?=', '€ 5 “ok”'],
    ['iso-8859-1 read as windows-1252, as WHATWG does', '=?iso-8859-1?q?=E9t=E9?=', 'été'],
    ['iso-2022-jp', '=?ISO-2022-JP?B?GyRCRnxLXDhsGyhC?=', '日本語'],
    ['RFC 2231 language suffix', '=?US-ASCII*EN?Q?Keith_Moore?=', 'Keith Moore'],
    ['missing base64 padding', '=?UTF-8?B?w6k?=', 'é'],
    ['unknown charset left as written', '=?x-unknown?Q?abc?=', '=?x-unknown?Q?abc?='],
    ['not an encoded word', 'a =? b ?= c', 'a =? b ?= c'],
    ['no encoded words', 'Plain subject', 'Plain subject'],
  ];
  for (const [what, input, expected] of cases) {
    it(what, () => assert.equal(decodeEncodedWords(input), expected));
  }
});
