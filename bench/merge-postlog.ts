// One `postlog merge` of the merge bench, in a process of its own as the CLI runs it (not in the
// bench's, whose heap still holds what building the stores left): prints its figures as JSON.
import { execFileSync } from 'node:child_process';
import { openRuntime } from '../src/frontends/runtime.ts';
import { commandContext } from '../src/frontends/context.ts';
import { mergeStores } from '../src/domain/merge/merge-stores.ts';
import { openMergeSource } from '../src/frontends/merge-source.ts';

export type MergeRun = { seconds: number; appended: number; blobsCopied: number; catchUpSeconds: number };

const [dirA, dirB] = process.argv.slice(2);
if (!dirA || !dirB) throw new Error('usage: merge-postlog.ts OURS THEIRS');
const ours = await openRuntime(dirA);
const source = await openMergeSource(dirB);
// Building the stores left much to write back; doveadm's run waits for the same before it starts.
execFileSync('sync');
const started = performance.now();
const report = await mergeStores(ours.storage, source, commandContext({ kind: 'system', protocol: 'merge' }, ours.origin), {
  from: { origin: source.origin, location: dirB },
});
const seconds = (performance.now() - started) / 1000;
const projected = performance.now();
await ours.runner.catchUp();
const run: MergeRun = { seconds, appended: report.appended, blobsCopied: report.blobsCopied, catchUpSeconds: (performance.now() - projected) / 1000 };
await source.close();
await ours.close();
process.stdout.write(JSON.stringify(run) + '\n');
