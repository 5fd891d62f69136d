import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { open } from 'lmdb';
import { eventOf } from '../domain/event.ts';
import { testContext } from '../domain/testing.ts';
import { summarize } from '../domain/message/scanner.ts';
import { lmdbKeyValue } from './lmdb-kv.ts';
import { OUTBOUND, ResendIndex, resendProjection } from './resend-index.ts';
import type { DomainEvent } from '../domain/event.ts';

const dir = mkdtempSync(join(tmpdir(), 'postlog-resend-'));
const root = open({ path: dir });
after(async () => {
  await root.close();
  rmSync(dir, { recursive: true, force: true });
});

let position = 0;
function fresh() {
  const db = root.openDB(`resends-${++position}`, {});
  const kv = lmdbKeyValue(db);
  const apply = (event: DomainEvent) =>
    root.transactionSync(() => resendProjection.evolve(kv, { stream: 's', revision: 0, position: ++position, event }));
  return { index: new ResendIndex(db), apply };
}

const hash = 'a'.repeat(64);
const summary = summarize('Subject: x\r\n\r\nbody\r\n');
function delivery(at: string, rcptTo: string, extra: { contentHash?: string; kind?: 'delivery' | 'append' } = {}) {
  const source =
    extra.kind === 'append'
      ? ({ kind: 'append' } as const)
      : ({ kind: 'delivery', mailFrom: 'a@x.example', rcptTo, clientAddress: '192.0.2.1', transactionId: 't1', contentHash: extra.contentHash ?? hash } as const);
  return eventOf(
    'MessageAppended',
    { mailboxId: 'mb1', uid: 1, modseq: 1, emailId: 'e1', blobId: 'b', size: 1, internalDate: at, flags: [], summary, source },
    testContext(at),
  );
}

describe('resend index', () => {
  it('remembers a delivery by content hash, sender, recipient and account', () => {
    const { index, apply } = fresh();
    apply(eventOf('MailboxInitialized', { mailboxId: 'mb1', accountId: 'acc1', uidValidity: 1 }, testContext()));
    apply(delivery('2026-05-19T10:00:00.000Z', 'bob@y.example'));
    const key = { contentHash: hash, mailFrom: 'a@x.example', rcptTo: 'bob@y.example', destination: 'acc1' };
    assert.deepEqual(index.delivered(key), { at: '2026-05-19T10:00:00.000Z', transactionId: 't1' });
    assert.equal(index.delivered({ ...key, rcptTo: 'carol@y.example' }), undefined, 'another recipient');
    assert.equal(index.delivered({ ...key, mailFrom: 'b@x.example' }), undefined, 'another sender');
    assert.equal(index.delivered({ ...key, contentHash: 'b'.repeat(64) }), undefined, 'other content');
    assert.equal(index.delivered({ ...key, destination: 'acc2' }), undefined, 'another account');
  });

  it('ignores appends and deliveries without a content hash', () => {
    const { index, apply } = fresh();
    apply(delivery('2026-05-19T10:00:00.000Z', 'bob@y.example', { kind: 'append' }));
    apply(delivery('2026-05-19T10:00:00.000Z', 'bob@y.example', { contentHash: '' }));
    assert.equal(index.delivered({ contentHash: hash, mailFrom: 'a@x.example', rcptTo: 'bob@y.example', destination: 'mb1' }), undefined);
  });

  it('indexes every recipient of an outbound queue item', () => {
    const { index, apply } = fresh();
    const data = {
      queueId: 'q1', blobId: 'b', start: 0, size: 1, mailFrom: 'a@x.example', clientAddress: '192.0.2.1', transactionId: 't9', contentHash: hash,
      recipients: [{ domain: 'r.example', addresses: ['u@r.example', 'v@r.example'] }],
    };
    apply(eventOf('OutboundQueued', data, testContext('2026-05-19T10:00:00.000Z')));
    for (const rcptTo of ['u@r.example', 'v@r.example']) {
      assert.equal(index.delivered({ contentHash: hash, mailFrom: 'a@x.example', rcptTo, destination: OUTBOUND })?.transactionId, 't9');
    }
  });

  it('forgets deliveries older than the retention, by log time', () => {
    const { index, apply } = fresh();
    apply(delivery('2026-05-01T10:00:00.000Z', 'old@y.example'));
    apply(delivery('2026-05-07T10:00:00.000Z', 'recent@y.example'));
    const key = (rcptTo: string) => ({ contentHash: hash, mailFrom: 'a@x.example', rcptTo, destination: 'mb1' });
    assert.ok(index.delivered(key('old@y.example')));
    apply(delivery('2026-05-09T10:00:00.000Z', 'new@y.example'));
    assert.equal(index.delivered(key('old@y.example')), undefined);
    assert.ok(index.delivered(key('recent@y.example')));
    assert.ok(index.delivered(key('new@y.example')));
  });
});
