// The outage (issue 7, must-show 1): two copies of one store written separately for a week,
// then `postlog merge --from B` on A.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync } from 'node:fs';
import { join } from 'node:path';
import { openRuntime } from '../../src/frontends/runtime.ts';
import { postlogCli } from '../helpers/cli.ts';
import { tempDir } from '../helpers/runtime.ts';
import { startHarness } from '../pop3/harness.ts';
import { uidlsByMessageId } from '../pop3/uidl-listing.ts';
import { buildOutage, contents, mergeInto, OPPOSITE_1, OPPOSITE_2, OPPOSITE_3, PASSWORD, PROJECT, RENAMED, snapshot, TWIN, USER, type Outage, type Snapshot } from './fixture.ts';

/** The UIDLs a POP3 client of the (stopped) store in `dataDir` sees in INBOX, by Message-ID. */
async function pop3Uidls(dataDir: string): Promise<Map<string, string[]>> {
  const h = await startHarness({}, { path: dataDir, remove: () => {} });
  try {
    return await uidlsByMessageId(h.pop3, USER, PASSWORD);
  } finally {
    await h.stop();
  }
}

const messageIdOf = (subject: string) => `<${subject.startsWith('twin-') ? TWIN : `${subject}@example.net`}>`;

describe('merge after an outage', () => {
  const dir = tempDir('postlog-outage-');
  let outage: Outage;
  let merged: Snapshot;
  let beforeA: Snapshot;
  let beforeB: Snapshot;
  let report: { appended: number; mailboxes: { name: string; duplicates: number; renumbered: number; added: number }[] };
  /** Message-ID -> UIDLs a POP3 client of A before, of B before, and of A after the merge sees in INBOX */
  const pop3 = { a: new Map<string, string[]>(), b: new Map<string, string[]>(), merged: new Map<string, string[]>() };

  before(async () => {
    outage = await buildOutage(dir.path);
    // Copies of both sides, for merging the other way round.
    cpSync(outage.dirA, join(dir.path, 'A2'), { recursive: true });
    cpSync(outage.dirB, join(dir.path, 'B2'), { recursive: true });
    const a = await openRuntime(outage.dirA);
    beforeA = await snapshot(a, outage.accountId);
    await a.close();
    const b = await openRuntime(outage.dirB);
    beforeB = await snapshot(b, outage.accountId);
    await b.close();
    pop3.a = await pop3Uidls(outage.dirA);
    pop3.b = await pop3Uidls(outage.dirB);
    const result = await postlogCli(outage.dirA)(['merge', '--from', outage.dirB, '--json']);
    assert.equal(result.code, 0, result.err);
    report = JSON.parse(result.out);
    const merged_ = await openRuntime(outage.dirA);
    merged = await snapshot(merged_, outage.accountId);
    await merged_.close();
    pop3.merged = await pop3Uidls(outage.dirA);
  });
  after(() => dir.remove());
  /** messages whose UID is none they had on either store before the merge */
  const renumbered = (name: string) => {
    const had = new Set<string>();
    for (const snap of [beforeA, beforeB]) for (const [n, m] of snap) for (const x of m.messages) had.add(`${n === PROJECT ? RENAMED : n} ${x.subject} ${x.uid}`);
    return new Set(merged.get(name)!.messages.filter((x) => !had.has(`${name} ${x.subject} ${x.uid}`)).map((x) => x.uid));
  };

  it('loses nothing, duplicates nothing, and brings back nothing deleted on either side', () => {
    assert.deepEqual([...merged.keys()].sort(), [...outage.expected.keys()].sort());
    for (const [name, subjects] of outage.expected) {
      const got = merged.get(name)!.messages.map((m) => m.subject);
      assert.equal(new Set(got).size, got.length, `${name}: a message twice`);
      assert.deepEqual(got.slice().sort(), [...subjects].sort(), name);
      for (const s of got) assert.ok(!outage.deleted.has(s), `${name}: ${s} came back`);
    }
    const inbox = report.mailboxes.find((m) => m.name === 'INBOX')!;
    assert.equal(inbox.duplicates, 5, 'the SMTP transaction delivered to both stores is recognised');
  });

  it('keeps dates, arrival order, UIDVALIDITY and every cached UID except the renumbered ones', () => {
    for (const [name, m] of merged) {
      const previous = beforeA.get(name === RENAMED ? PROJECT : name)!;
      assert.equal(m.uidValidity, previous.uidValidity, `${name}: UIDVALIDITY`);
      const byUid = new Map(m.messages.map((x) => [x.uid, x]));
      for (const old of outage.before.get(name === RENAMED ? PROJECT : name)!.messages) {
        if (outage.deleted.has(old.subject)) continue;
        assert.equal(byUid.get(old.uid)?.subject, old.subject, `${name}: cached UID ${old.uid}`);
        assert.equal(byUid.get(old.uid)?.internalDate, old.internalDate);
      }
      // Each side's own arrivals keep their order among those that kept their UID, and among
      // those renumbered (which come after every kept UID).
      const moved = renumbered(name);
      assert.equal(moved.size, report.mailboxes.find((r) => r.name === name)?.renumbered ?? 0, `${name}: renumbered as reported`);
      for (const prefix of ['a-new-', 'b-new-', 'project-a-', 'both-']) {
        for (const part of [(x: { uid: number }) => !moved.has(x.uid), (x: { uid: number }) => moved.has(x.uid)]) {
          const dates = m.messages.filter((x) => x.subject.startsWith(prefix) && part(x)).map((x) => x.internalDate);
          assert.deepEqual(dates, dates.slice().sort(), `${name}: ${prefix} order`);
        }
      }
    }
  });

  it("keeps every POP3 UIDL as both stores' POP3 clients know it, the shared SMTP transactions included", () => {
    assert.deepEqual([...pop3.merged.keys()].sort(), [...outage.expected.get('INBOX')!].map(messageIdOf).filter((m, i, all) => all.indexOf(m) === i).sort());
    for (const [messageId, uidls] of pop3.merged) {
      // What survives keeps the UIDL each side gave it: nobody downloads it again.
      const known = [...new Set([...(pop3.a.get(messageId) ?? []), ...(pop3.b.get(messageId) ?? [])])].sort();
      assert.deepEqual(uidls, known, messageId);
    }
    assert.equal(pop3.merged.get(`<${TWIN}>`)?.length, 2, 'two messages with one Message-ID are two messages');
    for (const s of outage.expected.get('INBOX')!) if (s.startsWith('both-')) assert.deepEqual(pop3.a.get(messageIdOf(s)), pop3.b.get(messageIdOf(s)), s);
    // The same holds in every folder, by the rule POP3 serves INBOX with.
    for (const [name, m] of merged) {
      const was = (snap: Snapshot) => new Map(snap.get(name === RENAMED ? PROJECT : name)?.messages.map((x) => [x.subject, x.uidl]));
      const [a, b] = [was(beforeA), was(beforeB)];
      for (const x of m.messages) for (const side of [a, b]) if (side.has(x.subject)) assert.equal(x.uidl, side.get(x.subject), `${name}: ${x.subject}`);
    }
  });

  it('merges flags change by change: the later change to each flag wins', () => {
    const inbox = new Map(merged.get('INBOX')!.messages.map((m) => [m.subject, m.flags]));
    for (const s of OPPOSITE_1) assert.ok(!inbox.get(s)!.includes('\\Answered'), `${s}: B's later removal of \\Answered wins`);
    for (const s of OPPOSITE_2) assert.ok(!inbox.get(s)!.includes('urgent'), `${s}: A's later removal of urgent wins`);
    for (const s of OPPOSITE_3) assert.ok(inbox.get(s)!.includes('later'), `${s}: B's later add wins`);
    assert.ok(inbox.get('inbox-1')!.includes('\\Seen'));
    assert.ok(inbox.get('inbox-10')!.includes('\\Flagged') && inbox.get('inbox-10')!.includes('\\Seen'), 'changes to different flags both kept');
  });

  it('changes nothing when run again, and merging A into B gives the same mailboxes', async () => {
    assert.equal((await mergeInto(outage.dirA, outage.dirB)).appended, 0);
    await mergeInto(join(dir.path, 'B2'), join(dir.path, 'A2'));
    const b2 = await openRuntime(join(dir.path, 'B2'));
    const other = await snapshot(b2, outage.accountId);
    await b2.close();
    assert.deepEqual(contents(other), contents(merged));
  });
});
