// Dovecot's `doveadm sync` on the Maildir equivalent of the merge bench: a throwaway config in a
// temporary directory, mail owned by `nobody` (doveadm refuses root), no server running.
import { execFileSync } from 'node:child_process';
import { chmodSync, cpSync, existsSync, mkdirSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Why doveadm cannot run here, or undefined when it can. */
export function doveadmMissing(): string | undefined {
  if (!existsSync('/usr/bin/doveadm')) return 'doveadm is not installed (apt-get install -y dovecot-core)';
  if (process.getuid?.() !== 0) return 'doveadm must run as root here (it drops privileges to the mail user nobody)';
  return undefined;
}

export class Maildirs {
  private readonly config: string;
  constructor(readonly dir: string) {
    for (const sub of ['run', 'state', 'home']) mkdirSync(join(dir, sub), { recursive: true });
    // doveadm runs as nobody: it must reach into every directory above the mail.
    chmodSync(dir, 0o755);
    chmodSync(join(dir, '..'), 0o755);
    this.config = join(dir, 'dovecot.conf');
    writeFileSync(
      this.config,
      `base_dir = ${dir}/run\nstate_dir = ${dir}/state\nlog_path = ${dir}/dovecot.log\nssl = no\n` +
        `mail_location = maildir:${dir}/A\nmail_uid = 65534\nmail_gid = 65534\nfirst_valid_uid = 0\nfirst_valid_gid = 0\n`,
    );
  }

  path(side: 'A' | 'B'): string {
    return join(this.dir, side);
  }

  create(side: 'A' | 'B'): void {
    for (const sub of ['cur', 'new', 'tmp']) mkdirSync(join(this.path(side), sub), { recursive: true });
  }

  /** A delivered message: a file in cur/ named like Dovecot's LDA names them, flags after ":2,". */
  write(side: 'A' | 'B', name: string, raw: Buffer, flags: string): void {
    writeFileSync(join(this.path(side), 'cur', `${name}:2,${flags}`), raw);
  }

  /** Files of cur/ by their base name (the part before ":2,"). */
  files(side: 'A' | 'B'): Map<string, string> {
    return new Map(readdirSync(join(this.path(side), 'cur')).map((f) => [f.split(':')[0]!, f]));
  }

  setFlags(side: 'A' | 'B', file: string, flags: string): void {
    const cur = join(this.path(side), 'cur');
    renameSync(join(cur, file), join(cur, `${file.split(':')[0]}:2,${flags}`));
  }

  remove(side: 'A' | 'B', file: string): void {
    rmSync(join(this.path(side), 'cur', file));
  }

  copy(from: 'A' | 'B', to: 'A' | 'B'): void {
    cpSync(this.path(from), this.path(to), { recursive: true });
  }

  /** Both Maildirs, as they are now, under another directory. */
  copyTo(dir: string): Maildirs {
    const copy = new Maildirs(dir);
    // cp -a: times and owners as they were, as Dovecot's sync looks at them
    for (const side of ['A', 'B'] as const) execFileSync('cp', ['-a', this.path(side), copy.path(side)]);
    return copy;
  }

  /** Hands the mail to `nobody`, the user doveadm runs as. */
  private own(): void {
    execFileSync('chown', ['-R', '65534:65534', this.path('A'), ...(existsSync(this.path('B')) ? [this.path('B')] : []), join(this.dir, 'home')]);
  }

  private run(args: string[], side: 'A' | 'B' = 'A'): string {
    this.own();
    return this.doveadm(args, side);
  }

  private doveadm(args: string[], side: 'A' | 'B' = 'A'): string {
    return execFileSync('/usr/bin/doveadm', ['-c', this.config, '-o', `mail_location=maildir:${this.path(side)}`, ...args], {
      env: { ...process.env, USER: 'nobody', HOME: join(this.dir, 'home') },
      encoding: 'utf8',
      maxBuffer: 1 << 30,
    });
  }

  /** Lets Dovecot see the Maildir (assigns UIDs to new files, notes flag changes and removals). */
  index(side: 'A' | 'B'): void {
    this.run(['mailbox', 'status', 'messages uidnext', 'INBOX'], side);
  }

  /** (uid, subject) of every message. */
  list(side: 'A' | 'B'): { uid: number; subject: string }[] {
    const out = this.run(['-f', 'tab', 'fetch', 'uid hdr.subject', 'mailbox', 'INBOX'], side);
    return out
      .trimEnd()
      .split('\n')
      .slice(1)
      .map((line) => {
        const [uid, subject] = line.split('\t');
        return { uid: Number(uid), subject: (subject ?? '').trim() };
      });
  }

  /** Two-way sync of A with B; returns the seconds doveadm took (not the chown, nor earlier writes' flush). */
  sync(): number {
    this.own();
    execFileSync('sync');
    const started = performance.now();
    this.doveadm(['sync', `maildir:${this.path('B')}`]);
    return (performance.now() - started) / 1000;
  }
}
