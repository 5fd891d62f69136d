import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mailboxDecider } from './decider.ts';
import { scenario, testContext } from '../testing.ts';
import { appended, initialized, newMessage } from './fixtures.ts';
import type { MessageAppended } from './events.ts';

const mailbox = scenario(mailboxDecider);
const mailboxId = 'mb1';

describe('mailbox decider', () => {
  it('initializes once with the UIDVALIDITY it is given', () => {
    mailbox.given([]).when({ type: 'initialize', mailboxId, accountId: 'acc1', uidValidity: 77 }).then([
      { type: 'MailboxInitialized', data: { mailboxId, accountId: 'acc1', uidValidity: 77 } },
    ]);
    mailbox.given([initialized()]).when({ type: 'initialize', mailboxId, accountId: 'acc1', uidValidity: 78 }).then([]);
  });

  it('refuses commands on a mailbox that was never initialized', () => {
    mailbox.given([]).when({ type: 'append', mailboxId, messages: [newMessage()] }).thenThrows('NotFound');
  });

  it('assigns uid = uidNext and a new modseq to each appended message', () => {
    mailbox
      .given([initialized(), appended(1, 1), appended(2, 2)])
      .when({ type: 'append', mailboxId, messages: [newMessage({ flags: ['\\seen', 'Work'] }), newMessage({ emailId: 'kept' })] })
      .then((events) => {
        const data = events.map((e) => (e as MessageAppended).data);
        assert.deepEqual(data.map((d) => [d.uid, d.modseq]), [[3, 3], [4, 4]]);
        assert.deepEqual(data[0]!.flags, ['\\Seen', 'Work']);
        assert.equal(data[1]!.emailId, 'kept');
        assert.notEqual(data[0]!.emailId, data[1]!.emailId);
      });
  });

  it('never reuses the UID of an expunged message', () => {
    const expunged = mailbox.given([initialized(), appended(1, 1), appended(2, 2)])
      .when({ type: 'expunge', mailboxId, uids: [2], reason: 'expunge' })
      .then([{ type: 'MessagesExpunged', data: { mailboxId, modseq: 3, uids: [2], reason: 'expunge' } }]);
    mailbox
      .given([initialized(), appended(1, 1), appended(2, 2), ...expunged])
      .when({ type: 'append', mailboxId, messages: [newMessage()] })
      .then((events) => assert.deepEqual(events.map((e) => [(e as MessageAppended).data.uid, (e as MessageAppended).data.modseq]), [[3, 4]]));
  });

  it('records only the flags that really change, with one new modseq', () => {
    mailbox
      .given([initialized(), appended(1, 1, { flags: ['\\Seen'] }), appended(2, 2)])
      .when({ type: 'store', mailboxId, uids: [1, 2, 9], mode: 'add', flags: ['\\Seen'] })
      .then([{ type: 'FlagsChanged', data: { mailboxId, modseq: 3, changes: [{ uid: 2, added: ['\\Seen'], removed: [] }] } }]);
    mailbox
      .given([initialized(), appended(1, 1, { flags: ['\\Seen', '$Junk'] })])
      .when({ type: 'store', mailboxId, uids: [1], mode: 'replace', flags: ['\\Flagged', '$junk'] })
      .then([{ type: 'FlagsChanged', data: { mailboxId, modseq: 2, changes: [{ uid: 1, added: ['\\Flagged'], removed: ['\\Seen'] }] } }]);
    mailbox
      .given([initialized(), appended(1, 1, { flags: ['\\Seen'] })])
      .when({ type: 'store', mailboxId, uids: [1], mode: 'remove', flags: ['\\Answered'] })
      .then([]);
  });

  it('refuses malformed flags and \\Recent', () => {
    mailbox.given([initialized(), appended(1, 1)]).when({ type: 'store', mailboxId, uids: [1], mode: 'add', flags: ['\\Recent'] }).thenThrows('InvalidArgument');
    mailbox.given([initialized(), appended(1, 1)]).when({ type: 'store', mailboxId, uids: [1], mode: 'add', flags: ['bad(flag'] }).thenThrows('InvalidArgument');
  });

  it('expunges only present messages and records a move target', () => {
    mailbox
      .given([initialized(), appended(1, 1), appended(2, 2)])
      .when({ type: 'expunge', mailboxId, uids: [2, 2, 5, 1], reason: 'moved', movedTo: { mailboxId: 'mb2', uids: [7, 8] } })
      .then([{ type: 'MessagesExpunged', data: { mailboxId, modseq: 3, uids: [1, 2], reason: 'moved', movedTo: { mailboxId: 'mb2', uids: [7, 8] } } }]);
    mailbox.given([initialized()]).when({ type: 'expunge', mailboxId, uids: [1], reason: 'expunge' }).then([]);
  });

  it('keeps MODSEQ strictly increasing across every kind of change', () => {
    let state = mailboxDecider.initialState();
    const ctx = testContext();
    const modseqs: number[] = [];
    const apply = (command: Parameters<typeof mailboxDecider.decide>[0]) => {
      for (const e of mailboxDecider.decide(command, state, ctx)) {
        state = mailboxDecider.evolve(state, e);
        if ('modseq' in e.data) modseqs.push(e.data.modseq);
      }
    };
    apply({ type: 'initialize', mailboxId, accountId: 'a', uidValidity: 5 });
    for (let i = 0; i < 20; i++) {
      apply({ type: 'append', mailboxId, messages: [newMessage()] });
      apply({ type: 'store', mailboxId, uids: [i + 1], mode: 'add', flags: ['\\Seen'] });
      if (i % 3 === 0) apply({ type: 'expunge', mailboxId, uids: [i], reason: 'expunge' });
    }
    for (let i = 1; i < modseqs.length; i++) assert.ok(modseqs[i]! > modseqs[i - 1]!, `modseq ${modseqs[i]} after ${modseqs[i - 1]}`);
    assert.equal(state.highestModseq, modseqs.at(-1));
  });
});
