// Logins are events: a POP3 login and a refused one show in `audit` as the account's logins,
// with protocol and client address; an unknown user leaves no event.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readStreams } from '../../src/domain/merge/merge-stores.ts';
import { accountStreams } from '../../src/domain/merge/portable.ts';
import { AuditIndex, auditProjection } from '../../src/projections/audit-index.ts';
import { projectionDb } from '../../src/projections/projection.ts';
import { PASSWORD, startHarness, type Harness } from '../pop3/harness.ts';
import { Wire } from '../pop3/wire.ts';

let h: Harness;
before(async () => (h = await startHarness()));
after(() => h.stop());

async function tryLogin(user: string, password: string): Promise<string> {
  const wire = await Wire.connect(h.pop3);
  await wire.line();
  await wire.command(`USER ${user}`);
  const answer = await wire.command(`PASS ${password}`);
  await wire.command('QUIT');
  wire.drop();
  return answer;
}

test('a POP3 login and a refused one are in the audit, by account, with protocol and address', async () => {
  const accountId = await h.addUser('watcher@example.test');
  assert.match(await tryLogin('watcher@example.test', PASSWORD), /^\+OK/);
  assert.match(await tryLogin('watcher@example.test', 'wrong password'), /^-ERR/);
  assert.match(await tryLogin('nobody@example.test', PASSWORD), /^-ERR/);

  const audit = new AuditIndex(projectionDb(h.runtime.storage.root, auditProjection));
  const mine = audit.query({ accountId, types: ['login'] }).entries;
  assert.deepEqual(
    mine.map((e) => [e.type, e.category, e.actor.protocol, e.summary]),
    [
      ['LoggedIn', 'login', 'pop3', 'logged in: watcher@example.test over POP3 (USER) from 127.0.0.1'],
      ['LoginRefused', 'login', 'pop3', 'login refused (invalid): watcher@example.test over POP3 (USER) from 127.0.0.1'],
    ],
  );
  assert.equal(audit.query({ types: ['login'] }).entries.length, 2, 'an unknown user leaves no event');
});

test("an account's export carries its logins and no one else's", async () => {
  const mover = await h.addUser('mover@example.test');
  const stayer = await h.addUser('stayer@example.test');
  assert.match(await tryLogin('mover@example.test', PASSWORD), /^\+OK/);
  assert.match(await tryLogin('stayer@example.test', PASSWORD), /^\+OK/);

  const exported = accountStreams(await readStreams(h.runtime.storage.events), mover);
  assert.deepEqual(exported.get(`logins-${mover}`)?.map((e) => e.type), ['LoggedIn']);
  assert.equal(exported.has(`logins-${stayer}`), false);
});
