// `postlog domain add|list`: the domains this server receives mail for.
import type { Command } from 'commander';
import { adminContext, withRuntime } from './common.ts';
import { printJson, say } from './output.ts';

export function domainCommands(program: Command): void {
  const domain = program.command('domain').description('local mail domains');

  domain
    .command('add')
    .description('receive mail for a domain')
    .argument('<domain>', 'e.g. example.org')
    .action(async (name: string, _options: unknown, command: Command) => {
      await withRuntime(command, async (runtime) => {
        const { events } = await runtime.directoryService.addDomain(name, adminContext(runtime, 'domain add'));
        say(`added domain ${(events[0]!.data as { domain: string }).domain}`);
      });
    });

  domain
    .command('list')
    .description('the local domains: those added, and those in the configuration')
    .option('--json', 'machine-readable output')
    .action(async (options: { json?: boolean }, command: Command) => {
      await withRuntime(command, async (runtime, config) => {
        const added = runtime.directory.domains();
        const rows = [...new Set([...added, ...config.domains.map((d) => d.toLowerCase())])]
          .sort()
          .map((d) => ({ domain: d, source: added.includes(d) ? 'directory' : 'config' }));
        if (options.json) return printJson(rows);
        for (const r of rows) say(`${r.domain}${r.source === 'config' ? '  (configuration)' : ''}`);
      });
    });
}
