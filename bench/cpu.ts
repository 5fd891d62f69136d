// CPU time a server spends, read from /proc: the rate a bench measures on a shared machine moves
// with everything else running on it, the CPU a server spends per message much less. A server is
// a process tree (postlog is one process, Postfix a master with its children): its CPU is what
// every live process of the tree has used, its own and its reaped children's.
import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';

const TICKS_PER_SECOND = Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100;

type Stat = { pid: number; ppid: number; ticks: number };

/** utime + stime + cutime + cstime of one process, or undefined once it is gone. */
function stat(pid: number): Stat | undefined {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  // The command name (field 2) is in parentheses and may hold spaces: fields count from after it.
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  const [utime, stime, cutime, cstime] = [11, 12, 13, 14].map((i) => Number(fields[i]));
  return { pid, ppid: Number(fields[1]), ticks: utime! + stime! + cutime! + cstime! };
}

/** CPU seconds used so far by the process `root` and its descendants. */
export function treeCpuSeconds(root: number): number {
  const all = readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .flatMap((name) => stat(Number(name)) ?? []);
  const children = new Map<number, Stat[]>();
  for (const s of all) children.set(s.ppid, [...(children.get(s.ppid) ?? []), s]);
  let ticks = 0;
  const pending = all.filter((s) => s.pid === root);
  for (let s = pending.pop(); s; s = pending.pop()) {
    ticks += s.ticks;
    pending.push(...(children.get(s.pid) ?? []));
  }
  return ticks / TICKS_PER_SECOND;
}
