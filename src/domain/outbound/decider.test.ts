import { describe, it } from 'node:test';
import { outboundDecider, type OutboundCommand } from './decider.ts';
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
