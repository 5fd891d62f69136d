// The two servers the IMAP bench compares, each in its own processes on loopback: postlog (on a
// fresh data directory) and Dovecot from Debian (throwaway config, Maildir, static password).
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

export type Server = { name: string; port: number; stop(): Promise<void> };

export async function startPostlog(dir: string, users: readonly string[], password: string): Promise<Server> {
  const script = fileURLToPath(new URL('./imap-postlog.ts', import.meta.url));
  const extra = process.env.IMAP_BENCH_NODE_ARGS?.split(' ').filter(Boolean) ?? [];
  const child = spawn(process.execPath, [...extra, '--import', 'tsx', script, dir, password, ...users], { stdio: ['ignore', 'pipe', 'inherit'] });
  const line = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout! }).once('line', resolve);
    child.once('exit', (code) => reject(new Error(`postlog exited with ${code}`)));
  });
  return { name: 'postlog', port: (JSON.parse(line) as { imap: number }).imap, stop: () => stopChild(child) };
}

function stopChild(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/**
 * Dovecot as Debian ships it (`apt-get install -y dovecot-imapd`). The users' password is
 * stored ARGON2ID-hashed, so a login costs Dovecot about what scrypt costs postlog.
 */
export async function startDovecot(dir: string, users: readonly string[], password: string): Promise<Server> {
  if (!existsSync('/usr/sbin/dovecot') || !existsSync('/usr/lib/dovecot/imap')) {
    throw new Error('Dovecot is not installed: apt-get install -y dovecot-imapd');
  }
  const port = await freePort();
  for (const sub of ['run', 'state', 'mail']) mkdirSync(join(dir, sub), { recursive: true });
  // Mail is kept as the unprivileged user Dovecot drops to.
  const nobody = execFileSync('id', ['-u', 'nobody']).toString().trim();
  const nogroup = execFileSync('id', ['-g', 'nobody']).toString().trim();
  chownSync(join(dir, 'mail'), Number(nobody), Number(nogroup));
  // Temporary directories are 0700: the mail user must be able to pass through them.
  for (const d of [dirname(dir), dir]) chmodSync(d, 0o711);
  const hash = execFileSync('doveadm', ['pw', '-s', 'ARGON2ID', '-p', password]).toString().trim();
  writeFileSync(join(dir, 'passwd'), users.map((u) => `${u}:${hash}\n`).join(''));
  chmodSync(join(dir, 'passwd'), 0o644);
  const config = join(dir, 'dovecot.conf');
  writeFileSync(
    config,
    `base_dir = ${dir}/run
state_dir = ${dir}/state
log_path = ${dir}/dovecot.log
protocols = imap
listen = 127.0.0.1
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
mail_location = maildir:${dir}/mail/%u
first_valid_uid = 1
passdb {
  driver = passwd-file
  args = ${dir}/passwd
}
userdb {
  driver = static
  args = uid=${nobody} gid=${nogroup} home=${dir}/mail/%u
}
service imap-login {
  chroot =
  inet_listener imap {
    address = 127.0.0.1
    port = ${port}
  }
  inet_listener imaps {
    port = 0
  }
}
service anvil {
  chroot =
}
`,
  );
  // The master daemonizes: it must not hold our pipes, or the call never returns.
  execFileSync('/usr/sbin/dovecot', ['-c', config], { stdio: 'ignore' });
  for (let i = 0; i < 50 && !(await accepting(port)); i++) await new Promise((r) => setTimeout(r, 100));
  return {
    name: 'dovecot',
    port,
    async stop() {
      const pid = Number(readFileSync(join(dir, 'run', 'master.pid'), 'utf8'));
      process.kill(pid, 'SIGTERM');
      for (let i = 0; i < 50; i++) {
        try {
          process.kill(pid, 0);
          await new Promise((r) => setTimeout(r, 100));
        } catch {
          return;
        }
      }
    },
  };
}

async function accepting(port: number): Promise<boolean> {
  const { connect } = await import('node:net');
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port }, () => {
      socket.destroy();
      resolve(true);
    });
    socket.on('error', () => resolve(false));
  });
}
