// `postlog group add|del|member add|member del|list`: distribution lists (and LDAP groupOfNames).
import type { Command } from 'commander';
import { adminContext, withRuntime } from './common.ts';
import { localAddress } from './directory-common.ts';
import { printJson, printTable, say } from './output.ts';

export function groupCommands(program: Command): void {
  const group = program.command('group').description('groups: an address that reaches every member');

  group
    .command('add')
    .description('create a group')
    .argument('<address>', "the group's address, in a local domain")
    .option('--name <name>', 'display name (default: the local part)')
    .action(async (address: string, options: { name?: string }, command: Command) => {
      await withRuntime(command, async (runtime, config) => {
        const normalized = await localAddress(runtime, config, address);
        await runtime.directoryService.createGroup(normalized, adminContext(runtime, 'group add'), options.name);
        say(`added group ${normalized}`);
      });
    });

  group
    .command('del')
    .description('delete a group (and take it out of other groups)')
    .argument('<address>', "the group's address")
    .action(async (address: string, _options: unknown, command: Command) => {
      await withRuntime(command, async (runtime) => {
        await runtime.directoryService.deleteGroup(address, adminContext(runtime, 'group del'));
        say(`deleted group ${address.trim().toLowerCase()}`);
      });
    });

  const member = group.command('member').description("change a group's members");
  for (const [name, present] of [['add', true], ['del', false]] as const) {
    member
      .command(name)
      .description(present ? 'add members: addresses of users, aliases or other groups' : 'remove members')
      .argument('<group>', "the group's address")
      .argument('<member...>', 'member addresses')
      .action(async (address: string, members: string[], _options: unknown, command: Command) => {
        await withRuntime(command, async (runtime) => {
          const ctx = adminContext(runtime, `group member ${name}`);
          for (const m of members) {
            await runtime.directoryService.setMember(address, m, present, ctx);
            say(`${present ? 'added' : 'removed'} ${m.trim().toLowerCase()} ${present ? 'to' : 'from'} ${address.trim().toLowerCase()}`);
          }
        });
      });
  }

  group
    .command('list')
    .description('every group with its members')
    .option('--json', 'machine-readable output')
    .action(async (options: { json?: boolean }, command: Command) => {
      await withRuntime(command, async (runtime) => {
        const groups = runtime.directory.groups();
        if (options.json) return printJson(groups);
        printTable(['GROUP', 'NAME', 'MEMBERS'], groups.map((g) => [g.address, g.name, g.members.join(' ') || '-']));
      });
    });
}
