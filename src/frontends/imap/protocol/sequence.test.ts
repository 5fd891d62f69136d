import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { formatSequenceSet, parseSequenceSet, resolveSequenceNumbers, resolveUids } from './sequence.ts';
import { formatDateTime, parseDateTime, parseSearchDate } from './dates.ts';

describe('sequence sets', () => {
  it('parses ranges, "*" and lists; refuses junk and zero', () => {
    assert.deepEqual(parseSequenceSet('1:3,7,*,9:*'), [
      { from: 1, to: 3 }, { from: 7, to: 7 }, { from: '*', to: '*' }, { from: 9, to: '*' },
    ]);
    for (const bad of ['0', '1:', ',1', '1,,2', 'a', '1:0', '4294967296']) assert.equal(parseSequenceSet(bad), null, bad);
  });

  it('resolves message numbers, refusing numbers past the end', () => {
    assert.deepEqual(resolveSequenceNumbers(parseSequenceSet('4:2,1,*')!, 5), [1, 2, 3, 4, 5]);
    assert.equal(resolveSequenceNumbers(parseSequenceSet('6')!, 5), null);
    assert.deepEqual(resolveSequenceNumbers(parseSequenceSet('1:*')!, 0), []);
  });

  it('resolves UIDs with "n:*" naming the last message even when n is above it', () => {
    const uids = [3, 5, 9, 12];
    assert.deepEqual(resolveUids(parseSequenceSet('20:*')!, uids), [12]);
    assert.deepEqual(resolveUids(parseSequenceSet('4:9,1')!, uids), [5, 9]);
    assert.deepEqual(resolveUids(parseSequenceSet('*')!, []), []);
  });

  it('resolves UIDs as "every UID of the folder inside one of the ranges", for any set and folder', () => {
    const uidLists = fc.uniqueArray(fc.integer({ min: 1, max: 60 }), { maxLength: 30 }).map((list) => list.sort((a, b) => a - b));
    const end = fc.oneof(fc.integer({ min: 1, max: 70 }), fc.constant('*' as const));
    const sets = fc.array(fc.record({ from: end, to: end }), { minLength: 1, maxLength: 5 });
    fc.assert(
      fc.property(uidLists, sets, (uids, set) => {
        const max = uids[uids.length - 1] ?? 0;
        const value = (n: number | '*') => (n === '*' ? max : n);
        const inside = (uid: number) => set.some(({ from, to }) => uid >= Math.min(value(from), value(to)) && uid <= Math.max(value(from), value(to)));
        assert.deepEqual(resolveUids(set, uids), uids.filter(inside));
      }),
    );
  });

  it('writes compact sets', () => {
    assert.equal(formatSequenceSet([1, 2, 3, 5, 7, 8]), '1:3,5,7:8');
  });
});

describe('IMAP dates', () => {
  it('reads SEARCH dates and APPEND date-times, refusing impossible ones', () => {
    assert.equal(parseSearchDate('1-Feb-1994'), '1994-02-01');
    assert.equal(parseSearchDate('31-Foo-1994'), null);
    assert.equal(parseDateTime(' 5-Mar-2024 10:00:00 +0100'), '2024-03-05T09:00:00.000Z');
    assert.equal(parseDateTime('17-Jul-1996 02:44:25 -0700'), '1996-07-17T09:44:25.000Z');
    assert.equal(parseDateTime('31-Feb-2024 10:00:00 +0000'), null);
  });

  it('writes INTERNALDATE with a space-padded day', () => {
    assert.equal(formatDateTime('2024-03-05T09:00:00.000Z'), ' 5-Mar-2024 09:00:00 +0000');
  });
});
