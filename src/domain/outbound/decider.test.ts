import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { outboundDecider, type AttemptResult, type OutboundCommand } from './decider.ts';
import { nextActionAt } from './state.ts';
import { scenario, testContext } from '../testing.ts';

const outbound = scenario(outboundDecider);
const command: OutboundCommand = {
  type: 'queue',
  queueId: 'q1',
  blobId: 'b'.repeat(64),
  start: 30,
  size: 500,
  mailFrom: 'alice@example.test',
  recipients: ['Bob@Remote.example', 'carol@other.example', 'dave@remote.example', 'Bob@remote.example'],
  clientAddress: '192.0.2.1',
  transactionId: 't1',
  contentHash: 'c'.repeat(64),
};

describe('outbound decider', () => {
  it('queues the message once, recipients grouped by domain', () => {
    const { type: _, recipients: __, ...rest } = command;
    outbound.given([]).when(command).then([
      {
        type: 'OutboundQueued',
        data: {
          ...rest,
          recipients: [
            { domain: 'other.example', addresses: ['carol@other.example'] },
            { domain: 'remote.example', addresses: ['Bob@remote.example', 'dave@remote.example'] },
          ],
        },
      },
    ]);
  });

  it('refuses to queue the same item twice', () => {
    const [queued] = outboundDecider.decide(command, outboundDecider.initialState(), testContext());
    outbound.given([queued!]).when(command).thenThrows('AlreadyExists');
  });

  it('refuses an item without recipients or with a start past the end', () => {
    outbound.given([]).when({ ...command, recipients: [] }).thenThrows('InvalidArgument');
    outbound.given([]).when({ ...command, start: 501 }).thenThrows('InvalidArgument');
    outbound.given([]).when({ ...command, recipients: ['nodomain'] }).thenThrows('InvalidArgument');
  });
});

describe('outbound decider: attempts, retries, reports', () => {
  const t0 = '2026-05-19T10:00:00.000Z';
  const at = (minutes: number) => new Date(Date.parse(t0) + minutes * 60_000).toISOString();
  const policy = { retryMinutes: [5, 30], maxAgeHours: 2 };
  const queued = outboundDecider.decide(command, outboundDecider.initialState(), testContext(t0));
  const started = (attemptId: string, minutes: number, addresses = ['Bob@remote.example', 'dave@remote.example']) =>
    outboundDecider.decide(
      { type: 'startAttempt', queueId: 'q1', attemptId, domain: 'remote.example', addresses },
      [...queued].reduce(outboundDecider.evolve, outboundDecider.initialState()),
      testContext(at(minutes), attemptId),
    );
  const record = (attemptId: string, results: AttemptResult[]) => ({ type: 'recordResults', queueId: 'q1', attemptId, results, policy }) as const;

  it('records each recipient: delivered with the reply, deferred until the next slot of the schedule', () => {
    outbound.given([...queued, ...started('a1', 0)]).when(
      record('a1', [
        { address: 'Bob@remote.example', outcome: 'delivered', host: 'mx.remote.example', reply: '250 2.0.0 Ok: queued as X' },
        { address: 'dave@remote.example', outcome: 'deferred', host: 'mx.remote.example', reason: 'mailbox busy', reply: '451 4.2.1 busy' },
      ]),
      testContext(at(1)),
    ).then([
      { type: 'RecipientDelivered', data: { queueId: 'q1', attemptId: 'a1', address: 'Bob@remote.example', host: 'mx.remote.example', reply: '250 2.0.0 Ok: queued as X' } },
      {
        type: 'RecipientDeferred',
        data: { queueId: 'q1', attemptId: 'a1', address: 'dave@remote.example', host: 'mx.remote.example', reply: '451 4.2.1 busy', reason: 'mailbox busy', nextAttemptAt: at(6) },
      },
    ]);
  });

  it('fails a recipient still deferred past the maximum age, naming the last reason', () => {
    outbound.given([...queued, ...started('a1', 130, ['dave@remote.example'])]).when(
      record('a1', [{ address: 'dave@remote.example', outcome: 'deferred', reason: 'connection refused' }]),
      testContext(at(131)),
    ).then((events) => {
      assert.equal(events[0]!.type, 'RecipientFailed');
      assert.match((events[0]!.data as { reason: string }).reason, /gave up after 1 attempts in 2 hours: connection refused/);
    });
  });

  it('bounces failed recipients once, and never to the null sender', () => {
    const failed = outboundDecider.decide(
      record('a1', [{ address: 'dave@remote.example', outcome: 'failed', reason: 'no such user', reply: '550 5.1.1 no' }]),
      [...queued, ...started('a1', 0)].reduce(outboundDecider.evolve, outboundDecider.initialState()),
      testContext(at(1)),
    );
    const bounce: OutboundCommand = { type: 'bounce', queueId: 'q1', addresses: ['dave@remote.example', 'Bob@remote.example'], to: 'alice@example.test', blobId: 'd', delivery: 'local' };
    const history = [...queued, ...started('a1', 0), ...failed];
    const [generated] = outbound.given(history).when(bounce).then([
      { type: 'BounceGenerated', data: { queueId: 'q1', addresses: ['dave@remote.example'], to: 'alice@example.test', blobId: 'd', delivery: 'local' } },
    ]);
    outbound.given([...history, generated!]).when(bounce).then([]);
    const nullSender = outboundDecider.decide({ ...command, mailFrom: '' }, outboundDecider.initialState(), testContext(t0));
    outbound.given(nullSender).when(bounce).thenThrows('NotAllowed');
  });

  it('an attempt interrupted by a crash leaves the recipient due; delete stops it; retry makes it due now', () => {
    const state = [...queued, ...started('a1', 0)].reduce(outboundDecider.evolve, outboundDecider.initialState());
    assert.equal(state.item!.recipients[1]!.inFlight, 'a1');
    assert.equal(nextActionAt(state.item!), t0);
    outbound.given([...queued]).when({ type: 'retry', queueId: 'q1' }).then([{ type: 'OutboundRetryRequested', data: { queueId: 'q1' } }]);
    const [deleted] = outbound.given([...queued]).when({ type: 'delete', queueId: 'q1', reason: 'admin' }).then([{ type: 'OutboundDeleted', data: { queueId: 'q1', reason: 'admin' } }]);
    const after = [...queued, deleted!].reduce(outboundDecider.evolve, outboundDecider.initialState());
    assert.equal(nextActionAt(after.item!), undefined);
    outbound.given([...queued, deleted!]).when({ type: 'retry', queueId: 'q1' }).thenThrows('InvalidArgument');
    outbound.given([]).when({ type: 'retry', queueId: 'q1' }).thenThrows('NotFound');
  });
});
