// The directory commands as an admin runs them: real `postlog` processes on one data directory.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { tempDir } from '../helpers/runtime.ts';
import { postlogCli } from '../helpers/cli.ts';

describe('postlog domain / user / alias / group', () => {
  const dir = tempDir('postlog-cli-');
  const postlog = postlogCli(dir.path);
  before(async () => assert.equal((await postlog(['domain', 'add', 'Example.ORG'])).code, 0));
  after(() => dir.remove());

  it('adds a user with a profile and a password from stdin, and shows it without the hash', async () => {
    const added = await postlog(['user', 'add', 'Alice@Example.org', '--name', 'Alice Smith', '--given-name', 'Alice', '--surname', 'Smith', '--phone', '+1 555 0100', '--password-stdin'], 'alice-pw\n');
    assert.equal(added.code, 0, added.err);
    assert.match(added.out, /added user alice@example\.org \(login alice, account /);
    const shown = await postlog(['user', 'show', 'alice', '--json']);
    const user = JSON.parse(shown.out);
    assert.deepEqual(
      [user.address, user.uid, user.displayName, user.givenName, user.surname, user.phone, user.enabled, user.password],
      ['alice@example.org', 'alice', 'Alice Smith', 'Alice', 'Smith', '+1 555 0100', true, 'scrypt'],
    );
    assert.ok(!shown.out.includes('$scrypt$') && !shown.out.includes('alice-pw'));
  });

  it('refuses a duplicate or invalid address, or a domain that is not local, with a clear message', async () => {
    const cases: [string[], RegExp][] = [
      [['user', 'add', 'ALICE@example.org'], /address alice@example\.org is already in use by a user/],
      [['user', 'add', 'alice smith@example.org'], /is not a mail address|invalid local part/],
      [['user', 'add', 'bob@elsewhere.example'], /elsewhere\.example is not a local domain: add it first with "postlog domain add elsewhere\.example"/],
    ];
    const results = await Promise.all(cases.map(([args]) => postlog(args)));
    for (const [i, [args, message]] of cases.entries()) {
      const r = results[i]!;
      assert.equal(r.code, 1, args.join(' '));
      assert.match(r.err, message);
      assert.match(r.err, /^postlog: [^\n]+\n$/, 'one line, no stack trace');
    }
  });

  it('aliases and groups reach the user; unknown addresses are refused by deliver', async () => {
    const [aliasAdded, groupAdded] = await Promise.all([
      postlog(['alias', 'add', 'a.smith@example.org', 'alice@example.org']),
      postlog(['group', 'add', 'team@example.org', '--name', 'The Team']),
    ]);
    assert.equal(aliasAdded.code, 0, aliasAdded.err);
    assert.equal(groupAdded.code, 0, groupAdded.err);
    assert.equal((await postlog(['group', 'member', 'add', 'team@example.org', 'a.smith@example.org', 'alice@example.org'])).code, 0);
    const [groups, delivered, refused] = await Promise.all([
      postlog(['group', 'list', '--json']),
      postlog(['deliver', 'team@example.org'], 'Subject: hi\r\n\r\nhello\r\n'),
      postlog(['deliver', 'nobody@example.org'], 'Subject: hi\r\n\r\nhello\r\n'),
    ]);
    assert.deepEqual(JSON.parse(groups.out), [
      { address: 'team@example.org', name: 'The Team', members: ['a.smith@example.org', 'alice@example.org'] },
    ]);
    assert.equal(delivered.code, 0, delivered.err);
    assert.equal(delivered.out.match(/delivered to alice@example\.org INBOX uid 1/g)?.length, 1, 'one copy for the one account');
    assert.equal(refused.code, 1);
    assert.match(refused.err, /no user, alias or group has the address nobody@example\.org/);
  });

  it('disables and deletes', async () => {
    assert.match((await postlog(['user', 'disable', 'alice'])).out, /alice@example\.org is now disabled/);
    assert.match((await postlog(['user', 'del', 'alice@example.org'])).out, /deleted user alice@example\.org and its aliases a\.smith@example\.org/);
  });
});
