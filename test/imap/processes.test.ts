// Two server processes on one data directory: a session sees what a session of the other process
// did (an APPEND, a flag change, an EXPUNGE) at its next command, as it would from one of its
// own process, without waiting for its process to come across the change in the log.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { tempDir } from '../helpers/runtime.ts';
import { PASSWORD } from './harness.ts';
import { kill, startServer } from './spawned-server.ts';
import { Wire } from './wire.ts';

const USER = 'both@example.test';

describe('two server processes on one data directory', () => {
  const dir = tempDir('postlog-imap-processes-');
  const children = new Set<ChildProcess>();
  after(async () => {
    for (const child of children) if (child.exitCode === null && child.signalCode === null) await kill(child);
    dir.remove();
  });

  it("a session sees the other process's APPEND, flag change and EXPUNGE at its next NOOP", async () => {
    const one = await startServer(dir.path, USER);
    children.add(one.child);
    const two = await startServer(dir.path, USER);
    children.add(two.child);
    const open = async (port: number) => {
      const w = await Wire.open(port);
      await w.login(USER, PASSWORD);
      await w.command('s', 'SELECT INBOX');
      return w;
    };
    const [here, there] = [await open(one.port), await open(two.port)];

    const appended = await here.command('a', 'APPEND INBOX {18+}\r\nSubject: shared\r\n\r\n');
    assert.match(appended.at(-1)!, /^a OK \[APPENDUID \d+ 1\]/);
    assert.ok((await there.command('n', 'NOOP')).includes('* 1 EXISTS\r\n'), 'the arrival at once');

    await here.command('f', 'STORE 1 +FLAGS.SILENT (\\Flagged)');
    const flagged = await there.command('n', 'NOOP');
    assert.ok(flagged.some((l) => /^\* 1 FETCH \(.*FLAGS \(\\Flagged\)/.test(l)), 'the flag at once: ' + flagged.join(''));

    await here.command('d', 'STORE 1 +FLAGS.SILENT (\\Deleted)');
    await here.command('e', 'EXPUNGE');
    assert.ok((await there.command('n', 'NOOP')).includes('* 1 EXPUNGE\r\n'), 'the expunge at once');
    here.close();
    there.close();
  });
});
