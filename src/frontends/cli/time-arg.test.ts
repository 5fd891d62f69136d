import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseTime } from './time-arg.ts';
import { shortUtc } from '../as-of.ts';

test('times are ISO 8601 with a zone, or "YYYY-MM-DD HH:MM" read as UTC', () => {
  assert.equal(parseTime('2026-05-19T14:30:00Z'), '2026-05-19T14:30:00.000Z');
  assert.equal(parseTime('2026-05-19T16:30+02:00'), '2026-05-19T14:30:00.000Z');
  assert.equal(parseTime('2026-05-19 14:30'), '2026-05-19T14:30:00.000Z');
  assert.equal(parseTime('2026-05-19T14:30:05.250'), '2026-05-19T14:30:05.250Z');
  assert.equal(parseTime('2026-05-19'), '2026-05-19T00:00:00.000Z');
  assert.equal(shortUtc('2026-05-19T14:30:05.250Z'), '2026-05-19 14:30');
});

test('anything else is refused with the forms that work', () => {
  for (const bad of ['yesterday', '19/05/2026', '2026-02-30 10:00', '2026-05-19 25:00', '', '1716120000']) {
    assert.throws(() => parseTime(bad, '--as-of'), (e: Error) => e.message.startsWith('--as-of: cannot read') && e.message.includes('UTC'));
  }
});
