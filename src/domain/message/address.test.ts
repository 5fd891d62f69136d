import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseAddressList } from './address.ts';
import { formatAddresses } from './envelope.ts';
import type { EnvelopeAddress } from './summary.ts';

const addr = (name: string | null, mailbox: string, host: string, adl: string | null = null): EnvelopeAddress => ({
  name,
  adl,
  mailbox,
  host,
});
const groupStart = (name: string): EnvelopeAddress => ({ name: null, adl: null, mailbox: name, host: null });
const groupEnd: EnvelopeAddress = { name: null, adl: null, mailbox: null, host: null };

describe('parseAddressList', () => {
  const cases: [string, string, EnvelopeAddress[]][] = [
    ['bare addr-spec', 'jdoe@example.org', [addr(null, 'jdoe', 'example.org')]],
    ['angle-addr without a name', '<jdoe@example.org>', [addr(null, 'jdoe', 'example.org')]],
    ['name-addr', 'John Doe <jdoe@machine.example>', [addr('John Doe', 'jdoe', 'machine.example')]],
    ['quoted name with a comma', '"Doe, John" <jdoe@example.org>', [addr('Doe, John', 'jdoe', 'example.org')]],
    ['quoted name with escapes', '"Giant; \\"Big\\" Box" <sysservices@example.net>', [addr('Giant; "Big" Box', 'sysservices', 'example.net')]],
    ['mixed phrase', 'Joe "Q." Public <jqp@example.com>', [addr('Joe Q. Public', 'jqp', 'example.com')]],
    ['comment as the name', 'mary@x.test (Mary Smith)', [addr('Mary Smith', 'mary', 'x.test')]],
    ['comments ignored beside a name', 'Pete(A nice \\) chap) <pete(his account)@silly.test(his host)>', [addr('Pete', 'pete', 'silly.test')]],
    ['encoded-word name kept raw', '=?UTF-8?B?SsO2cmc=?= <j@example.de>', [addr('=?UTF-8?B?SsO2cmc=?=', 'j', 'example.de')]],
    ['list with a trailing comma', 'a@b.example, , c@d.example,', [addr(null, 'a', 'b.example'), addr(null, 'c', 'd.example')]],
    ['quoted local part', '"john doe"@example.org', [addr(null, 'john doe', 'example.org')]],
    ['domain literal', 'user@[192.0.2.1]', [addr(null, 'user', '[192.0.2.1]')]],
    ['missing host', 'localuser', [addr(null, 'localuser', '')]],
    ['missing host with a name', 'Local User <localuser>', [addr('Local User', 'localuser', '')]],
    ['null address', '<>', [addr(null, '', '')]],
    ['obsolete spaced local part', 'john . doe @ example . org', [addr(null, 'john.doe', 'example.org')]],
    ['route', 'Bob <@relay1.example,@relay2.example:bob@example.net>', [addr('Bob', 'bob', 'example.net', '@relay1.example,@relay2.example')]],
    ['unterminated angle', 'Ann <ann@example.com', [addr('Ann', 'ann', 'example.com')]],
    // The quote runs to the end: one odd mailbox rather than an error.
    ['unterminated quote', '"Ann <ann@example.com>', [addr(null, 'Ann <ann@example.com>', '')]],
    ['empty', '', []],
  ];
  for (const [what, input, expected] of cases) {
    it(what, () => assert.deepStrictEqual(parseAddressList(input), expected));
  }

  it('undisclosed-recipients:; is an empty group', () => {
    assert.deepStrictEqual(parseAddressList('undisclosed-recipients:;'), [groupStart('undisclosed-recipients'), groupEnd]);
  });

  it('a group with members, then an ordinary address', () => {
    assert.deepStrictEqual(parseAddressList('A Group:Ed Jones <c@a.test>,joe@where.test,John <jdoe@one.test>;, Mary <mary@x.test>'), [
      groupStart('A Group'),
      addr('Ed Jones', 'c', 'a.test'),
      addr(null, 'joe', 'where.test'),
      addr('John', 'jdoe', 'one.test'),
      groupEnd,
      addr('Mary', 'mary', 'x.test'),
    ]);
  });

  it('an unterminated group still ends', () => {
    assert.deepStrictEqual(parseAddressList('team: a@b.example'), [groupStart('team'), addr(null, 'a', 'b.example'), groupEnd]);
  });
});

describe('formatAddresses', () => {
  it('decodes names and writes "Name <addr>" joined with ", "', () => {
    const list = parseAddressList('=?ISO-8859-1?Q?Andr=E9?= <andre@example.fr>, bob@example.net');
    assert.equal(formatAddresses(list), 'André <andre@example.fr>, bob@example.net');
  });

  it('writes groups as "Name: members;" and empty groups as "Name:;"', () => {
    const list = parseAddressList('undisclosed-recipients:;, Team: a@x.test, B <b@x.test>;');
    assert.equal(formatAddresses(list), 'undisclosed-recipients:;, Team: a@x.test, B <b@x.test>;');
  });

  it('quotes a local part that needs it and leaves out a missing host', () => {
    assert.equal(formatAddresses(parseAddressList('"john doe"@example.org, localuser')), '"john doe"@example.org, localuser');
  });

  it('gives "" for no addresses', () => {
    assert.equal(formatAddresses(null), '');
  });
});
