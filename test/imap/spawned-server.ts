// Starting and killing server-process.ts: a postlog IMAP server in a process of its own, for
// tests that kill it or run two on one data directory.
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { PASSWORD } from './harness.ts';

const serverScript = fileURLToPath(new URL('./server-process.ts', import.meta.url));

export async function startServer(dataDir: string, user: string): Promise<{ child: ChildProcess; port: number }> {
  const child = spawn(process.execPath, ['--import', 'tsx', serverScript, dataDir, user, PASSWORD], { stdio: ['ignore', 'pipe', 'inherit'] });
  const line = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout! }).once('line', resolve);
    child.once('exit', (code) => reject(new Error(`server exited with ${code}`)));
  });
  return { child, port: (JSON.parse(line) as { imap: number }).imap };
}

export function kill(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
  });
}
