import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { accountDecider, type AccountCommand } from './decider.ts';
import { scenario, testContext } from '../testing.ts';
import { eventOf } from '../event.ts';
import type { AccountEvent, MailboxCreated } from './events.ts';

const account = scenario(accountDecider);
const accountId = 'acc1';
const past = testContext('2026-01-01T00:00:00.000Z', 'past');
const created = (name: string, mailboxId: string, uidValidity = 1000): AccountEvent =>
  eventOf('MailboxCreated', { accountId, mailboxId, name, uidValidity, specialUse: null }, past);

/** Applies commands one after another, as the command handler does. */
function history(commands: AccountCommand[], now = '2026-05-19T10:00:00.000Z') {
  const ctx = testContext(now);
  let state = accountDecider.initialState();
  const events: AccountEvent[] = [];
  for (const c of commands) {
    for (const e of accountDecider.decide(c, state, ctx)) {
      state = accountDecider.evolve(state, e);
      events.push(e);
    }
  }
  return { state, events };
}

describe('account decider', () => {
  it('provisions INBOX and the special-use folders, subscribed, once', () => {
    const { state, events } = history([{ type: 'provision', accountId }, { type: 'provision', accountId }]);
    assert.deepEqual([...state.mailboxes.keys()], ['INBOX', 'Sent', 'Drafts', 'Trash', 'Junk', 'Archive']);
    assert.equal(state.mailboxes.get('Sent')!.specialUse, '\\Sent');
    assert.equal(events.filter((e) => e.type === 'MailboxCreated').length, 6);
    assert.deepEqual([...state.subscriptions], ['INBOX', 'Sent', 'Drafts', 'Trash', 'Junk', 'Archive']);
    const validities = [...state.mailboxes.values()].map((m) => m.uidValidity);
    assert.equal(new Set(validities).size, 6, 'each mailbox gets its own UIDVALIDITY');
  });

  it('creates missing parents and accepts spaces and any Unicode', () => {
    account.given([created('INBOX', 'm0')]).when({ type: 'create', accountId, name: 'Projects/Été 2010/Notes "x"' }).then((events) => {
      assert.deepEqual(events.map((e) => (e as MailboxCreated).data.name), ['Projects', 'Projects/Été 2010', 'Projects/Été 2010/Notes "x"']);
    });
  });

  it('refuses duplicates, empty levels and wildcards', () => {
    account.given([created('INBOX', 'm0'), created('Work', 'm1')]).when({ type: 'create', accountId, name: 'Work' }).thenThrows('AlreadyExists');
    account.given([created('INBOX', 'm0')]).when({ type: 'create', accountId, name: 'inbox' }).thenThrows('AlreadyExists');
    account.given([]).when({ type: 'create', accountId, name: 'a//b' }).thenThrows('InvalidName');
    account.given([]).when({ type: 'create', accountId, name: 'a*' }).thenThrows('InvalidName');
  });

  it('renames with children following, keeping mailbox ids and UIDVALIDITY', () => {
    const { state } = history([
      { type: 'provision', accountId },
      { type: 'create', accountId, name: 'Work/2010/Q1' },
      { type: 'rename', accountId, from: 'Work', to: 'Archive/Old Work' },
    ]);
    const before = history([{ type: 'provision', accountId }, { type: 'create', accountId, name: 'Work/2010/Q1' }]).state;
    assert.ok(!state.mailboxes.has('Work'));
    for (const [oldName, newName] of [['Work', 'Archive/Old Work'], ['Work/2010', 'Archive/Old Work/2010'], ['Work/2010/Q1', 'Archive/Old Work/2010/Q1']] as const) {
      const a = before.mailboxes.get(oldName)!;
      const b = state.mailboxes.get(newName)!;
      assert.equal(b.mailboxId, a.mailboxId);
      assert.equal(b.uidValidity, a.uidValidity);
    }
  });

  it('renaming INBOX moves it and leaves a new, empty INBOX with a new UIDVALIDITY', () => {
    const { state } = history([{ type: 'provision', accountId }, { type: 'create', accountId, name: 'INBOX/kid' }]);
    const oldInbox = state.mailboxes.get('INBOX')!;
    const after = history([{ type: 'provision', accountId }, { type: 'create', accountId, name: 'INBOX/kid' }, { type: 'rename', accountId, from: 'inbox', to: 'Old Inbox' }]).state;
    assert.equal(after.mailboxes.get('Old Inbox')!.mailboxId, oldInbox.mailboxId);
    assert.notEqual(after.mailboxes.get('INBOX')!.mailboxId, oldInbox.mailboxId);
    assert.ok(after.mailboxes.get('INBOX')!.uidValidity > oldInbox.uidValidity);
    assert.ok(after.mailboxes.has('INBOX/kid'), 'children of INBOX stay');
  });

  it('refuses renaming into itself, onto an existing name, or a missing mailbox', () => {
    account.given([created('A', 'm1')]).when({ type: 'rename', accountId, from: 'A', to: 'A/B' }).thenThrows('InvalidName');
    account.given([created('A', 'm1'), created('B', 'm2')]).when({ type: 'rename', accountId, from: 'A', to: 'B' }).thenThrows('AlreadyExists');
    account.given([]).when({ type: 'rename', accountId, from: 'A', to: 'B' }).thenThrows('NotFound');
  });

  it('delete then recreate gives a new mailbox id and a larger UIDVALIDITY, even in the same second', () => {
    const { state, events } = history([
      { type: 'provision', accountId },
      { type: 'create', accountId, name: 'Lists' },
      { type: 'delete', accountId, name: 'Lists' },
      { type: 'create', accountId, name: 'Lists' },
    ]);
    const made = events.filter((e): e is MailboxCreated => e.type === 'MailboxCreated' && e.data.name === 'Lists');
    assert.equal(made.length, 2);
    assert.notEqual(made[0]!.data.mailboxId, made[1]!.data.mailboxId);
    assert.ok(made[1]!.data.uidValidity > made[0]!.data.uidValidity);
    assert.equal(state.mailboxes.get('Lists')!.mailboxId, made[1]!.data.mailboxId);
  });

  it('UIDVALIDITY never goes backwards even when the clock does', () => {
    const first = history([{ type: 'provision', accountId }], '2026-05-19T10:00:00.000Z');
    const ctx = testContext('2020-01-01T00:00:00.000Z');
    const events = accountDecider.decide({ type: 'create', accountId, name: 'Late' }, first.state, ctx);
    assert.ok((events[0] as MailboxCreated).data.uidValidity > first.state.lastUidValidity);
  });

  it('INBOX cannot be deleted; a missing mailbox is NotFound', () => {
    account.given([created('INBOX', 'm0')]).when({ type: 'delete', accountId, name: 'Inbox' }).thenThrows('NotAllowed');
    account.given([]).when({ type: 'delete', accountId, name: 'Nope' }).thenThrows('NotFound');
  });

  it('subscribes and unsubscribes idempotently, names not required to exist', () => {
    account.given([]).when({ type: 'subscribe', accountId, name: 'Shared/news' }).then([
      { type: 'MailboxSubscribed', data: { accountId, name: 'Shared/news' } },
    ]);
    const sub = eventOf('MailboxSubscribed', { accountId, name: 'X' }, past);
    account.given([sub]).when({ type: 'subscribe', accountId, name: 'X' }).then([]);
    account.given([sub]).when({ type: 'unsubscribe', accountId, name: 'X' }).then([{ type: 'MailboxUnsubscribed', data: { accountId, name: 'X' } }]);
    account.given([]).when({ type: 'unsubscribe', accountId, name: 'X' }).then([]);
  });
});
