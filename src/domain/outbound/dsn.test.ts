import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { buildDsn, dsnId, statusOf } from './dsn.ts';
import type { OutboundItem, RecipientState } from './state.ts';

const recipient = (address: string, extra: Partial<RecipientState> = {}): RecipientState => ({
  address, domain: 'remote.example', status: 'failed', attempts: 1, nextAttemptAt: '2026-05-19T10:00:00.000Z', bounced: false, warned: false, ...extra,
});
const item: OutboundItem = {
  queueId: 'q1', queuedAt: '2026-05-19T10:00:00.000Z', mailFrom: 'alice@example.test', blobId: 'b', start: 0, size: 10, deleted: false,
  recipients: [recipient('bob@remote.example', { lastReply: '550 5.1.1 <bob@remote.example>: no such user', lastReason: 'remote replied 550', finishedAt: '2026-05-19T10:01:00.000Z' })],
};

describe('delivery status notification', () => {
  it('takes the enhanced status from the reply, or one that fits the outcome', () => {
    assert.equal(statusOf({ status: 'failed', lastReply: '550 5.1.1 no' }, 'failure'), '5.1.1');
    assert.equal(statusOf({ status: 'failed', lastReply: '554 transaction failed' }, 'failure'), '5.0.0');
    assert.equal(statusOf({ status: 'failed', lastReply: '451 4.2.1 busy' }, 'failure'), '5.0.0');
    assert.equal(statusOf({ status: 'pending', lastReply: '451 4.2.1 busy' }, 'delay'), '4.2.1');
    assert.equal(statusOf({ status: 'pending' }, 'delay'), '4.0.0');
  });

  it('is a multipart/report with a human part, the status fields and the original header section', () => {
    const dsn = buildDsn({ kind: 'failure', hostname: 'mx.example.test', item, recipients: item.recipients, date: '2026-05-19T10:01:00.000Z', originalHeaders: 'Subject: hi\r\nFrom: alice@example.test\r\n' });
    const boundary = /boundary="([^"]+)"/.exec(dsn)![1]!;
    const parts = dsn.split(`--${boundary}`);
    assert.equal(parts.length, 5, 'preamble, three parts, epilogue');
    assert.match(parts[1]!, /Content-Type: text\/plain/);
    assert.match(parts[2]!, /^\r\nContent-Description: Delivery report\r\nContent-Type: message\/delivery-status\r\n\r\nReporting-MTA: dns; mx\.example\.test\r\nX-Postlog-Queue-ID: q1\r\nArrival-Date: Tue, 19 May 2026 10:00:00 \+0000\r\n\r\nFinal-Recipient: rfc822; bob@remote\.example\r\nAction: failed\r\nStatus: 5\.1\.1\r\nDiagnostic-Code: smtp; 550 5\.1\.1 <bob@remote\.example>: no such user\r\nLast-Attempt-Date: Tue, 19 May 2026 10:01:00 \+0000\r\n/);
    assert.match(parts[3]!, /Content-Type: text\/rfc822-headers\r\n\r\nSubject: hi\r\nFrom: alice@example\.test\r\n\r\n$/, "the header section, then the CRLF that belongs to the boundary");
    assert.match(dsn, /^From: Mail Delivery System <MAILER-DAEMON@mx\.example\.test>\r\nTo: <alice@example\.test>\r\n/);
    assert.match(dsn, /\r\nAuto-Submitted: auto-replied\r\n/);
    assert.ok(dsn.split('\r\n').every((line) => line.length <= 998), 'no line longer than RFC 5322 allows');
  });

  it('gives the same bytes and id when built again (how a second copy after a crash is recognised)', () => {
    const input = { kind: 'failure', hostname: 'h', item, recipients: item.recipients, date: item.queuedAt, originalHeaders: '' } as const;
    assert.equal(buildDsn(input), buildDsn(input));
    assert.notEqual(dsnId(input), dsnId({ ...input, kind: 'delay' }));
  });
});
