// The two servers the IMAP bench compares, each in its own processes on loopback: postlog (on a
// fresh data directory) and Dovecot from Debian (bench/dovecot.ts).
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { startDovecot, type RunningServer } from './dovecot.ts';

export type Server = RunningServer;

export async function startPostlog(dir: string, users: readonly string[], password: string): Promise<Server> {
  const script = fileURLToPath(new URL('./imap-postlog.ts', import.meta.url));
  const extra = process.env.IMAP_BENCH_NODE_ARGS?.split(' ').filter(Boolean) ?? [];
  const child = spawn(process.execPath, [...extra, '--import', 'tsx', script, dir, password, ...users], { stdio: ['ignore', 'pipe', 'inherit'] });
  const line = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout! }).once('line', resolve);
    child.once('exit', (code) => reject(new Error(`postlog exited with ${code}`)));
  });
  return { name: 'postlog', port: (JSON.parse(line) as { imap: number }).imap, pid: child.pid!, stop: () => stopChild(child) };
}

function stopChild(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

/** Dovecot as Debian ships it (`apt-get install -y dovecot-imapd`). */
export function startImapDovecot(dir: string, users: readonly string[], password: string): Promise<Server> {
  return startDovecot({ protocol: 'imap', dir, users, password });
}
