// `postlog alias add|del|list`: more addresses delivering to a user.
import type { Command } from 'commander';
import { adminContext, withRuntime } from './common.ts';
import { findUser, localAddress } from './directory-common.ts';
import { printJson, printTable, say } from './output.ts';

export function aliasCommands(program: Command): void {
  const alias = program.command('alias').description('aliases: extra addresses of a user');

  alias
    .command('add')
    .description('deliver mail for <alias> to <user>')
    .argument('<alias>', 'the new address, in a local domain')
    .argument('<user>', 'address, login name or account id of the user')
    .action(async (address: string, ref: string, _options: unknown, command: Command) => {
      await withRuntime(command, async (runtime, config) => {
        const normalized = await localAddress(runtime, config, address);
        const target = findUser(runtime, ref);
        await runtime.directoryService.addAlias(normalized, target.accountId, adminContext(runtime, 'alias add'));
        say(`added alias ${normalized} -> ${target.address}`);
      });
    });

  alias
    .command('del')
    .description('remove an alias (and take it out of any group)')
    .argument('<alias>', 'the alias address')
    .action(async (address: string, _options: unknown, command: Command) => {
      await withRuntime(command, async (runtime) => {
        await runtime.directoryService.removeAlias(address, adminContext(runtime, 'alias del'));
        say(`removed alias ${address.trim().toLowerCase()}`);
      });
    });

  alias
    .command('list')
    .description('every alias and the user it reaches')
    .option('--json', 'machine-readable output')
    .action(async (options: { json?: boolean }, command: Command) => {
      await withRuntime(command, async (runtime) => {
        const rows = runtime.directory.aliases().map((a) => ({ ...a, user: runtime.directory.user(a.accountId)?.address ?? '?' }));
        if (options.json) return printJson(rows);
        printTable(['ALIAS', 'USER'], rows.map((r) => [r.address, r.user]));
      });
    });
}
