// Runs the real `postlog` command on a data directory, as an admin would.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const BIN = fileURLToPath(new URL('../../bin/postlog.js', import.meta.url));

export type CliResult = { code: number | null; out: string; err: string };

export function postlogCli(dataDir: string, env: NodeJS.ProcessEnv = {}) {
  return (args: string[], input: string | Buffer = ''): Promise<CliResult> =>
    new Promise((resolve, reject) => {
      const child = spawn(process.execPath, [BIN, '--data', dataDir, ...args], {
        env: { ...process.env, POSTLOG_DOMAINS: 'example.test', POSTLOG_CONFIG: '', ...env },
      });
      let out = '';
      let err = '';
      child.stdout.on('data', (d) => (out += d));
      child.stderr.on('data', (d) => (err += d));
      child.on('error', reject);
      child.on('close', (code) => resolve({ code, out, err }));
      child.stdin.end(input);
    });
}
