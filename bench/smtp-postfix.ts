// A throwaway Postfix (Debian's package) for the SMTP bench: its own config_directory and
// queue_directory in a temp folder, smtpd on a loopback port, every message put on the hold
// queue so the bench measures acceptance into the queue (fsynced before Postfix's 250), not
// delivery. Needs root (Postfix starts as root and drops to the postfix user).
import { execFileSync } from 'node:child_process';
import { chownSync, copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import { join } from 'node:path';

export type Postfix = Readonly<{
  port: number;
  version: string;
  queued(): number;
  /** the master process: every Postfix process of this instance is its descendant */
  masterPid(): number;
  stop(): void;
}>;

/** Why Postfix cannot run here, or undefined when it can. */
export function postfixMissing(): string | undefined {
  if (!existsSync('/usr/sbin/postfix')) return 'postfix is not installed (DEBIAN_FRONTEND=noninteractive apt-get install -y postfix)';
  if (!existsSync('/usr/sbin/smtp-source')) return "Postfix's smtp-source is not installed";
  if (userInfo().uid !== 0) return 'Postfix must be started as root';
  return undefined;
}

function countFiles(dir: string): number {
  if (!existsSync(dir)) return 0;
  return readdirSync(dir).reduce((n, f) => n + (statSync(join(dir, f)).isDirectory() ? countFiles(join(dir, f)) : 1), 0);
}

export function startPostfix(base: string, port: number): Postfix {
  const etc = join(base, 'etc');
  const queue = join(base, 'queue');
  const data = join(base, 'data');
  for (const d of [etc, queue, data]) mkdirSync(d, { recursive: true });
  const postfixUid = Number(execFileSync('id', ['-u', 'postfix']).toString().trim());
  chownSync(data, postfixUid, -1);
  const master = readFileSync('/etc/postfix/master.cf', 'utf8').replace(/^smtp\s+inet\s.*$/m, `127.0.0.1:${port} inet n - n - - smtpd`);
  writeFileSync(join(etc, 'master.cf'), master);
  writeFileSync(
    join(etc, 'main.cf'),
    [
      'compatibility_level = 3.6',
      `queue_directory = ${queue}`,
      `data_directory = ${data}`,
      'mail_owner = postfix',
      'setgid_group = postdrop',
      'inet_interfaces = 127.0.0.1',
      'inet_protocols = ipv4',
      'myhostname = bench.localdomain',
      'mydestination = example.test',
      'mynetworks = 127.0.0.0/8',
      'local_recipient_maps =',
      'smtpd_recipient_restrictions = check_client_access static:HOLD, permit_mynetworks, reject_unauth_destination',
      'default_process_limit = 100',
      'message_size_limit = 52428800',
      '',
    ].join('\n'),
  );
  copyFileSync('/etc/postfix/dynamicmaps.cf', join(etc, 'dynamicmaps.cf'));
  execFileSync('postfix', ['-c', etc, 'check'], { stdio: 'inherit' });
  execFileSync('postfix', ['-c', etc, 'start'], { stdio: 'inherit' });
  const version = execFileSync('postconf', ['-c', etc, '-h', 'mail_version']).toString().trim();
  return {
    port,
    version,
    queued: () => countFiles(join(queue, 'hold')),
    masterPid: () => Number(readFileSync(join(queue, 'pid', 'master.pid'), 'utf8').trim()),
    stop: () => execFileSync('postfix', ['-c', etc, 'stop'], { stdio: 'ignore' }),
  };
}
