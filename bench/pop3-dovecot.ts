// Dovecot's pop3d from Debian (`apt-get install -y dovecot-pop3d`) for the POP3 bench: a
// throwaway config in a temporary directory, loopback only, an ARGON2ID passwd-file, one Maildir per
// user holding the same messages postlog serves (stored with LF, as Maildir keeps them).
import { execFileSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import { join } from 'node:path';

export type RunningServer = Readonly<{ name: string; port: number; stop(): Promise<void> }>;

/** Why Dovecot cannot run here, or undefined when it can. */
export function dovecotMissing(): string | undefined {
  if (!existsSync('/usr/sbin/dovecot')) return 'dovecot is not installed (apt-get install -y dovecot-pop3d)';
  if (!existsSync('/usr/lib/dovecot/pop3')) return 'dovecot-pop3d is not installed (apt-get install -y dovecot-pop3d)';
  if (process.getuid?.() !== 0) return 'dovecot must be started as root (it drops privileges to the mail user)';
  return undefined;
}

export async function startDovecotPop3(dir: string, password: string, mailboxes: ReadonlyMap<string, readonly Buffer[]>): Promise<RunningServer> {
  const missing = dovecotMissing();
  if (missing) throw new Error(missing);
  const uid = Number(execFileSync('id', ['-u', 'nobody']).toString());
  const gid = Number(execFileSync('id', ['-g', 'nobody']).toString());
  // Dovecot's auth worker and mail processes run unprivileged: they must reach into the directory.
  chmodSync(dir, 0o755);
  for (const sub of ['run', 'state', 'mail']) mkdirSync(join(dir, sub), { recursive: true });
  chownSync(join(dir, 'mail'), uid, gid);
  const now = Math.floor(Date.now() / 1000);
  for (const [user, messages] of mailboxes) {
    const home = join(dir, 'mail', user);
    for (const sub of ['', 'cur', 'new', 'tmp']) {
      mkdirSync(join(home, sub), { recursive: true });
      chownSync(join(home, sub), uid, gid);
    }
    messages.forEach((raw, i) => {
      const file = join(home, 'new', `${now}.M${i}P1.bench`);
      writeFileSync(file, raw.toString('latin1').replace(/\r\n/g, '\n'), 'latin1');
      chownSync(file, uid, gid);
    });
  }
  // A memory-hard hash, as postlog's scrypt is: both servers pay for a real password check.
  const hash = execFileSync('/usr/bin/doveadm', ['pw', '-s', 'ARGON2ID', '-p', password], { encoding: 'utf8' }).trim();
  writeFileSync(join(dir, 'users'), [...mailboxes.keys()].map((user) => `${user}:${hash}\n`).join(''));
  const port = await freePort();
  const config = join(dir, 'dovecot.conf');
  writeFileSync(
    config,
    `base_dir = ${dir}/run
state_dir = ${dir}/state
log_path = ${dir}/dovecot.log
protocols = pop3
listen = 127.0.0.1
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
mail_location = maildir:${dir}/mail/%u
first_valid_uid = 1
pop3_uidl_format = %08Xu%08Xv
passdb {
  driver = passwd-file
  args = ${dir}/users
}
userdb {
  driver = static
  args = uid=${uid} gid=${gid} home=${dir}/mail/%u
}
service pop3-login {
  chroot =
  inet_listener pop3 {
    address = 127.0.0.1
    port = ${port}
  }
  inet_listener pop3s {
    port = 0
  }
}
service anvil {
  chroot =
}
`,
  );
  // The master daemonizes: its inherited stdio must not be ours, or this call never returns.
  execFileSync('/usr/sbin/dovecot', ['-c', config], { stdio: 'ignore' });
  // Listening comes before the pid file is written: wait for both.
  const pidFile = join(dir, 'run', 'master.pid');
  for (let i = 0; i < 100 && !(existsSync(pidFile) && (await accepting(port))); i++) await new Promise((r) => setTimeout(r, 100));
  if (!existsSync(pidFile)) {
    throw new Error(`dovecot did not start:\n${existsSync(join(dir, 'dovecot.log')) ? readFileSync(join(dir, 'dovecot.log'), 'utf8') : '(no log)'}`);
  }
  const masterPid = Number(readFileSync(pidFile, 'utf8'));
  return {
    name: 'dovecot',
    port,
    async stop() {
      process.kill(masterPid, 'SIGTERM');
      for (let i = 0; i < 100; i++) {
        try {
          process.kill(masterPid, 0);
        } catch {
          return;
        }
        await new Promise((r) => setTimeout(r, 100));
      }
    },
  };
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

function accepting(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port }, () => {
      socket.destroy();
      resolve(true);
    });
    socket.on('error', () => resolve(false));
  });
}
