// A throwaway Dovecot from Debian for the IMAP and POP3 benches: its own config in a temporary
// directory, loopback only, an ARGON2ID passwd-file (a memory-hard check, as postlog's scrypt
// is, so a login costs both servers alike) and one Maildir per user, owned by `nobody`.
import { execFileSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { dirname, join } from 'node:path';

/** `pid`: the root of the server's processes (bench/cpu.ts reads their CPU time) */
export type RunningServer = Readonly<{ name: string; port: number; pid: number; stop(): Promise<void> }>;

export type DovecotProtocol = 'imap' | 'pop3';

/** Why Dovecot for `protocol` cannot run here, or undefined when it can. */
export function dovecotMissing(protocol: DovecotProtocol): string | undefined {
  const pkg = `dovecot-${protocol}d`;
  if (!existsSync('/usr/sbin/dovecot')) return `dovecot is not installed (apt-get install -y ${pkg})`;
  if (!existsSync(`/usr/lib/dovecot/${protocol}`)) return `${pkg} is not installed (apt-get install -y ${pkg})`;
  if (process.getuid?.() !== 0) return 'dovecot must be started as root (it drops privileges to the mail user)';
  return undefined;
}

export type DovecotSetup = Readonly<{
  protocol: DovecotProtocol;
  dir: string;
  users: readonly string[];
  password: string;
  /** messages to put in each user's Maildir before start (stored with LF, as Maildir keeps them) */
  mailboxes?: ReadonlyMap<string, readonly Buffer[]>;
  /** extra top-level settings, e.g. pop3_uidl_format */
  settings?: string;
}>;

export async function startDovecot(setup: DovecotSetup): Promise<RunningServer> {
  const { protocol, dir, users, password } = setup;
  const missing = dovecotMissing(protocol);
  if (missing) throw new Error(missing);
  const uid = Number(execFileSync('id', ['-u', 'nobody']).toString());
  const gid = Number(execFileSync('id', ['-g', 'nobody']).toString());
  for (const sub of ['run', 'state', 'mail']) mkdirSync(join(dir, sub), { recursive: true });
  chownSync(join(dir, 'mail'), uid, gid);
  // Temporary directories are 0700: the unprivileged mail and auth processes must pass through.
  for (const d of [dirname(dir), dir]) chmodSync(d, 0o711);
  fillMaildirs(dir, setup.mailboxes ?? new Map(), uid, gid);
  const hash = execFileSync('/usr/bin/doveadm', ['pw', '-s', 'ARGON2ID', '-p', password], { encoding: 'utf8' }).trim();
  writeFileSync(join(dir, 'users'), users.map((user) => `${user}:${hash}\n`).join(''));
  chmodSync(join(dir, 'users'), 0o644);
  const port = await freePort();
  const config = join(dir, 'dovecot.conf');
  writeFileSync(config, configText(setup, port, uid, gid));
  // The master daemonizes: its inherited stdio must not be ours, or this call never returns.
  execFileSync('/usr/sbin/dovecot', ['-c', config], { stdio: 'ignore' });
  // Listening comes before the pid file is written: wait for both.
  const pidFile = join(dir, 'run', 'master.pid');
  for (let i = 0; i < 100 && !(existsSync(pidFile) && (await accepting(port))); i++) await sleep(100);
  if (!existsSync(pidFile)) {
    const log = join(dir, 'dovecot.log');
    throw new Error(`dovecot did not start:\n${existsSync(log) ? readFileSync(log, 'utf8') : '(no log)'}`);
  }
  const masterPid = Number(readFileSync(pidFile, 'utf8'));
  return {
    name: 'dovecot',
    port,
    pid: masterPid,
    async stop() {
      process.kill(masterPid, 'SIGTERM');
      for (let i = 0; i < 100; i++) {
        try {
          process.kill(masterPid, 0);
        } catch {
          return;
        }
        await sleep(100);
      }
    },
  };
}

function fillMaildirs(dir: string, mailboxes: ReadonlyMap<string, readonly Buffer[]>, uid: number, gid: number): void {
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
}

function configText({ protocol, dir, settings = '' }: DovecotSetup, port: number, uid: number, gid: number): string {
  return `base_dir = ${dir}/run
state_dir = ${dir}/state
log_path = ${dir}/dovecot.log
protocols = ${protocol}
listen = 127.0.0.1
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
mail_location = maildir:${dir}/mail/%u
first_valid_uid = 1
${settings}
passdb {
  driver = passwd-file
  args = ${dir}/users
}
userdb {
  driver = static
  args = uid=${uid} gid=${gid} home=${dir}/mail/%u
}
service ${protocol}-login {
  chroot =
  inet_listener ${protocol} {
    address = 127.0.0.1
    port = ${port}
  }
  inet_listener ${protocol}s {
    port = 0
  }
}
service anvil {
  chroot =
}
`;
}

export async function freePort(): Promise<number> {
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

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
