import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { checkMayStart, checkSender, recipientTarget, type Client } from './policy.ts';
import { SmtpRefusal, type RefusalReason } from './replies.ts';

const refused = (reason: RefusalReason) => (e: unknown) => e instanceof SmtpRefusal && e.reason === reason;
const stranger: Client = { listener: 'mx', trusted: false };
const user = { accountId: 'acc1', address: 'alice@example.test' };

describe('recipient policy', () => {
  it('takes local recipients on every listener, aliases and groups already expanded', () => {
    const local = { kind: 'local', accountIds: ['acc1', 'acc2'] } as const;
    assert.deepEqual(recipientTarget('Team@Example.test', local, stranger), { kind: 'local', rcptTo: 'team@example.test', accountIds: ['acc1', 'acc2'] });
    assert.equal(recipientTarget('team@example.test', local, { listener: 'submission', user, trusted: false }).kind, 'local');
  });

  it('refuses unknown local users and empty groups with 5.1.1', () => {
    assert.throws(() => recipientTarget('nobody@example.test', { kind: 'unknown' }, stranger), refused('UnknownUser'));
    assert.throws(() => recipientTarget('empty@example.test', { kind: 'local', accountIds: [] }, stranger), refused('UnknownUser'));
  });

  it('never relays on MX, even for a trusted network or a signed-in user', () => {
    for (const client of [stranger, { ...stranger, trusted: true }, { ...stranger, user }]) {
      assert.throws(() => recipientTarget('x@remote.example', { kind: 'remote' }, client), refused('RelayDenied'));
    }
  });

  it('relays on submission for a signed-in user or a trusted network only', () => {
    assert.deepEqual(recipientTarget('X@Remote.EXAMPLE', { kind: 'remote' }, { listener: 'submission', user, trusted: false }), {
      kind: 'remote',
      rcptTo: 'X@remote.example',
    });
    assert.equal(recipientTarget('x@remote.example', { kind: 'remote' }, { listener: 'submission', trusted: true }).kind, 'remote');
    assert.throws(() => recipientTarget('x@remote.example', { kind: 'remote' }, { listener: 'submission', trusted: false }), refused('RelayDenied'));
  });
});

describe('sender policy', () => {
  it('wants a signed-in user on submission unless the network is trusted', () => {
    assert.throws(() => checkMayStart({ listener: 'submission', trusted: false }), refused('AuthRequired'));
    checkMayStart({ listener: 'submission', trusted: true });
    checkMayStart({ listener: 'submission', trusted: false, user });
    checkMayStart(stranger);
  });

  it('lets a user send as its own addresses, aliases and +tags only', () => {
    const own = ['alice@example.test', 'a.smith@example.test'];
    for (const from of ['alice@example.test', 'Alice@EXAMPLE.test', 'a.smith@example.test', 'alice+lists@example.test', '']) checkSender(from, own);
    for (const from of ['bob@example.test', 'alice@other.example', 'not an address']) {
      assert.throws(() => checkSender(from, own), refused('SenderNotOwned'), from);
    }
  });
});
