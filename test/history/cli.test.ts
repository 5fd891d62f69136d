// The real `postlog` commands on the fixture: history, audit, show --as-of, replay, restore,
// rebuild progress, and bad input that must change nothing.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { openLmdbStorage } from '../../src/store/lmdb/open.ts';
import { postlogCli, type CliResult } from '../helpers/cli.ts';
import { tempDir } from '../helpers/runtime.ts';
import { buildFixture, PLAN_MESSAGE_ID, type Fixture } from './fixture.ts';

const dir = tempDir();
const cli = postlogCli(join(dir.path, 'A'));
/** progress lines at every step, not every 5 s, though stderr is not a terminal */
const eager = postlogCli(join(dir.path, 'A'), { POSTLOG_PROGRESS_MS: '0' });
let fx: Fixture;

async function head(): Promise<number> {
  const storage = await openLmdbStorage(join(dir.path, 'A'));
  try {
    return await storage.events.headPosition();
  } finally {
    await storage.close();
  }
}

before(async () => {
  const built = await buildFixture(dir.path);
  fx = built.fx;
  await built.runtime.close();
});
after(() => dir.remove());

/** Runs the commands three at a time: eight at once would starve a test file running beside this one. */
async function fewAtATime<K extends string>(runs: Record<K, () => Promise<CliResult>>): Promise<Record<K, CliResult>> {
  const entries = Object.entries(runs) as [K, () => Promise<CliResult>][];
  const results = {} as Record<K, CliResult>;
  for (let i = 0; i < entries.length; i += 3) {
    await Promise.all(entries.slice(i, i + 3).map(async ([name, run]) => (results[name] = await run())));
  }
  return results;
}

test('read-only commands answer from the log; bad input says why and appends nothing', async () => {
  const before = await head();
  const { byPath, audit, show, replay, badTime, badAccount, badType, badMessage } = await fewAtATime({
    byPath: () => cli(['history', `alice@example.test/Projects 2010/${fx.plan.renumberedUid}`, '--json']),
    audit: () => cli(['audit', '--account', 'alice@example.test', '--since', '2026-05-19 00:00', '--until', '2026-05-19T23:59:59Z', '--type', 'deletion', 'FlagsChanged', '--json']),
    show: () => cli(['show', '--account', 'alice@example.test', '--as-of', '2026-05-19 11:30', '--json']),
    replay: () => cli(['replay', '--until', '2026-05-19 11:30', '--account', 'alice@example.test', '--json']),
    badTime: () => cli(['restore', '--account', 'alice@example.test', '--mailbox', 'INBOX', '--as-of', 'last tuesday']),
    badAccount: () => cli(['restore', '--account', 'nobody@example.test', '--mailbox', 'INBOX', '--as-of', '2026-05-19 11:30']),
    badType: () => cli(['audit', '--type', 'deletions']),
    badMessage: () => cli(['history', '<never-sent@example.net>']),
  });

  assert.equal(byPath.code, 0, byPath.err);
  const [plan] = JSON.parse(byPath.out) as { emailId: string; events: { what: string; mailbox: string }[] }[];
  assert.equal(plan!.emailId, fx.plan.emailId);
  assert.deepEqual(plan!.events.map((e) => e.what), [
    'delivered',
    'flags changed',
    'moved in',
    'moved out',
    'UID given up (merge renumbered it)',
    'renumbered by merge',
    'flags changed',
    'expunged',
  ]);
  assert.equal(plan!.events[0]!.mailbox, 'alice@example.test/INBOX');

  assert.equal(audit.code, 0, audit.err);
  assert.deepEqual((JSON.parse(audit.out) as { type: string; actor: { protocol: string } }[]).map((e) => [e.type, e.actor.protocol]), [
    ['FlagsChanged', 'imap'],
    ['FlagsChanged', 'imap'],
    ['FlagsChanged', 'imap'],
    ['MessagesExpunged', 'imap'],
    ['MessagesExpunged', 'pop3'],
  ]);

  const folders = (out: string) => (JSON.parse(out) as { folders: { name: string; messages: number }[] }).folders;
  assert.equal(show.code, 0, show.err);
  const then = Object.fromEntries(folders(show.out).map((f) => [f.name, f.messages]));
  assert.equal(then['Project Notes 2010'], 1);
  assert.equal(then['INBOX'], 5);
  assert.equal(replay.code, 0, replay.err);
  const replayed = JSON.parse(replay.out) as { accounts: { address: string; folders: { name: string; messages: number }[] }[] };
  assert.deepEqual(replayed.accounts.map((a) => a.address), ['alice@example.test']);
  assert.deepEqual(Object.fromEntries(replayed.accounts[0]!.folders.map((f) => [f.name, f.messages])), then);

  assert.equal(badTime.code, 1);
  assert.match(badTime.err, /^postlog: --as-of: cannot read "last tuesday" as a time; use ISO 8601 .* or "YYYY-MM-DD HH:MM" \(UTC\)\n$/);
  assert.equal(badAccount.code, 1);
  assert.equal(badAccount.err, 'postlog: no account has the address nobody@example.test\n');
  assert.equal(badType.code, 1);
  assert.match(badType.err, /^postlog: --type: unknown deletions; kinds are delivery, append, .*deletion/);
  assert.equal(badMessage.code, 1);
  assert.equal(badMessage.err, 'postlog: no message has the emailId or Message-ID "<never-sent@example.net>" (or give account/mailbox/uid)\n');
  assert.equal(await head(), before);
});

test('restore by the old name of a renamed folder (beside a rebuild with progress), then the restored copy has its own history line', async () => {
  const [restore, rebuild] = await Promise.all([
    cli(['restore', '--account', 'alice@example.test', '--mailbox', 'Project Notes 2010', '--as-of', '2026-05-19 11:30']),
    eager(['rebuild', '--projection', 'history', 'audit']),
  ]);
  assert.equal(rebuild.code, 0, rebuild.err);
  assert.match(rebuild.out, /rebuilt history, audit up to position \d+/);
  assert.match(rebuild.err, /rebuild: position \d+ \/ \d+ \d+%, \d+ events\/s/);
  assert.equal(restore.code, 0, restore.err);
  assert.equal(restore.out, 'restored 1 messages of "Project Notes 2010" as of 2026-05-19 11:30 UTC into "Project Notes 2010 (restored 2026-05-19 11:30)"\n');
  // By Message-ID, as people read it: who, over what, from where; the restore last.
  const history = await cli(['history', PLAN_MESSAGE_ID]);
  assert.equal(history.code, 0, history.err);
  const lines = history.out.trim().split('\n');
  assert.match(lines[0]!, new RegExp(`^emailId ${fx.plan.emailId}  "Quarterly plan"$`));
  assert.match(lines[2]!, /^2026-05-19T09:00:00.000Z +delivered +alice@example\.test\/INBOX uid 4 +system smtp-mx over smtp from 203\.0\.113\.7 +mailFrom=<carol@example\.net> rcptTo=<alice@example\.test> clientAddress=203\.0\.113\.7 transactionId=tx-quarterlyplan/);
  assert.match(lines[3]!, /flags changed +alice@example\.test\/INBOX uid 4 +user alice@example\.test over imap from 198\.51\.100\.20 +added=\\Seen$/);
  assert.match(lines[7]!, /renumbered by merge +alice@example\.test\/Projects 2010 uid 2 +system merge over merge from B +fromUid=1 /);
  assert.match(lines.at(-1)!, /restored +alice@example\.test\/Project Notes 2010 \(restored 2026-05-19 11:30\) uid 1 +admin \S+ over cli from restore +from=alice@example\.test\/Projects 2010 fromUid=1 asOf=2026-05-19T11:30:00\.000Z/);
});
