// `postlog user add|passwd|disable|enable|del|list|show`: the people who have mail here.
import { type Command, InvalidArgumentError } from 'commander';
import { adminContext, withRuntime } from './common.ts';
import { findUser, localAddress, passwordFromStdin } from './directory-common.ts';
import { printJson, printTable, say } from './output.ts';
import { parseHash } from '../../domain/directory/password/formats.ts';
import type { Runtime } from '../runtime.ts';
import type { DirectoryUser } from '../../projections/directory-view.ts';

type AddOptions = {
  name?: string;
  givenName?: string;
  surname?: string;
  phone?: string;
  uid?: string;
  quota?: number;
  passwordStdin?: boolean;
  passwordHash?: string;
  disabled?: boolean;
};

function bytes(value: string): number {
  const m = /^(\d+)\s*([kmgt]?)i?b?$/i.exec(value.trim());
  if (!m) throw new InvalidArgumentError(`"${value}" is not a size (e.g. 500M, 2G, 1048576)`);
  const power = ' kmgt'.indexOf((m[2] || ' ').toLowerCase());
  return Number(m[1]) * 1024 ** power;
}

/** What `show` and `list --json` print: everything but the hash itself. */
function described(runtime: Runtime, u: DirectoryUser) {
  const { passwordHash, ...rest } = u;
  const groups = runtime.directory.groups().filter((g) => g.members.some((m) => m === u.address || u.aliases.includes(m)));
  return { ...rest, password: passwordHash ? (parseHash(passwordHash)?.scheme ?? 'unreadable') : 'none', groups: groups.map((g) => g.address) };
}

export function userCommands(program: Command): void {
  const user = program.command('user').description('users: their addresses, profile and password');

  user
    .command('add')
    .description('add a user (with INBOX and the usual folders)')
    .argument('<address>', 'primary address, in a local domain')
    .option('--name <display name>', 'display name, e.g. "Alice Smith"')
    .option('--given-name <name>', 'given name')
    .option('--surname <name>', 'surname')
    .option('--phone <number>', 'telephone number')
    .option('--uid <login>', 'login name (default: the local part, or the address when taken)')
    .option('--quota <size>', 'mailbox quota, e.g. 2G', bytes)
    .option('--password-stdin', 'read the password from standard input')
    .option('--password-hash <hash>', 'import a hash from an older directory ({SSHA}, {SSHA512}, {SHA512-CRYPT}, $6$, {BLF-CRYPT}, $2y$)')
    .option('--disabled', 'create the user unable to log in')
    .action(async (address: string, options: AddOptions, command: Command) => {
      await withRuntime(command, async (runtime, config) => {
        const normalized = await localAddress(runtime, config, address);
        const password = options.passwordStdin ? await passwordFromStdin() : undefined;
        const accountId = await runtime.directoryService.addUser(normalized, adminContext(runtime, 'user add'), {
          password,
          passwordHash: options.passwordHash,
          displayName: options.name,
          givenName: options.givenName,
          surname: options.surname,
          phone: options.phone,
          uid: options.uid,
          quota: options.quota,
          disabled: options.disabled,
        });
        await runtime.runner.catchUp();
        const added = runtime.directory.user(accountId);
        say(`added user ${normalized} (login ${added?.uid}, account ${accountId})`);
        if (!password && !options.passwordHash) say(`  no password yet: set one with "postlog user passwd ${normalized} --password-stdin"`);
      });
    });

  user
    .command('passwd')
    .description("set a user's password (read from standard input)")
    .argument('<user>', 'address, login name or account id')
    .option('--password-stdin', 'read the password from standard input (the default)')
    .action(async (ref: string, _options: unknown, command: Command) => {
      await withRuntime(command, async (runtime) => {
        const found = findUser(runtime, ref);
        const password = await passwordFromStdin();
        await runtime.directoryService.setPassword(found.accountId, password, adminContext(runtime, 'user passwd'));
        say(`password of ${found.address} changed`);
      });
    });

  for (const [name, enabled] of [['enable', true], ['disable', false]] as const) {
    user
      .command(name)
      .description(enabled ? 'let a disabled user log in again' : 'refuse every login of a user (mail is still delivered)')
      .argument('<user>', 'address, login name or account id')
      .action(async (ref: string, _options: unknown, command: Command) => {
        await withRuntime(command, async (runtime) => {
          const found = findUser(runtime, ref);
          const { events } = await runtime.directoryService.setEnabled(found.accountId, enabled, adminContext(runtime, `user ${name}`));
          say(`${found.address} ${events.length ? 'is now' : 'was already'} ${enabled ? 'enabled' : 'disabled'}`);
        });
      });
  }

  user
    .command('del')
    .description('delete a user: its addresses and aliases are freed, its mail stays in the log')
    .argument('<user>', 'address, login name or account id')
    .action(async (ref: string, _options: unknown, command: Command) => {
      await withRuntime(command, async (runtime) => {
        const found = findUser(runtime, ref);
        await runtime.directoryService.deleteUser(found.accountId, adminContext(runtime, 'user del'));
        say(`deleted user ${found.address}${found.aliases.length ? ` and its aliases ${found.aliases.join(', ')}` : ''}`);
      });
    });

  user
    .command('list')
    .description('every user')
    .option('--json', 'machine-readable output')
    .action(async (options: { json?: boolean }, command: Command) => {
      await withRuntime(command, async (runtime) => {
        const users = runtime.directory.users().sort((a, b) => (a.address < b.address ? -1 : 1));
        if (options.json) return printJson(users.map((u) => described(runtime, u)));
        printTable(
          ['ADDRESS', 'LOGIN', 'NAME', 'STATE', 'ALIASES'],
          users.map((u) => [u.address, u.uid, u.displayName ?? '-', u.enabled ? 'enabled' : 'disabled', u.aliases.join(' ') || '-']),
        );
      });
    });

  user
    .command('show')
    .description('one user: profile, addresses, groups, password scheme (never the hash)')
    .argument('<user>', 'address, login name or account id')
    .option('--json', 'machine-readable output')
    .action(async (ref: string, options: { json?: boolean }, command: Command) => {
      await withRuntime(command, async (runtime) => {
        const shown = described(runtime, findUser(runtime, ref));
        if (options.json) return printJson(shown);
        const rows: [string, unknown][] = [
          ['address', shown.address],
          ['account', shown.accountId],
          ['login', shown.uid],
          ['name', shown.displayName],
          ['given name', shown.givenName],
          ['surname', shown.surname],
          ['phone', shown.phone],
          ['quota', shown.quota],
          ['state', shown.enabled ? 'enabled' : 'disabled'],
          ['password', shown.password],
          ['aliases', shown.aliases.join(', ')],
          ['groups', shown.groups.join(', ')],
        ];
        for (const [label, value] of rows) if (value !== undefined && value !== '') say(`${(label + ':').padEnd(12)} ${value}`);
      });
    });
}

