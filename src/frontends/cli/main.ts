// The `postlog` command.
import { Command } from 'commander';
import { DomainError } from '../../domain/decider.ts';
import { ConfigError } from '../config.ts';
import { deliverCommand } from './deliver.ts';
import { logCommands } from './log.ts';
import { mailboxCommands } from './mailbox.ts';
import { serveCommand } from './serve.ts';
import { domainCommands } from './domain.ts';
import { userCommands } from './user.ts';
import { aliasCommands } from './alias.ts';
import { groupCommands } from './group.ts';
import { asOfCommands } from './as-of.ts';
import { historyCommand } from './history.ts';
import { auditCommand } from './audit.ts';
import { replayCommand } from './replay.ts';
import { mergeCommand } from './merge.ts';
import { portableCommands } from './portable.ts';
import { queueCommands } from './queue.ts';

const program = new Command('postlog')
  .description('a mail server whose source of truth is an append-only log of events')
  .option('--data <dir>', 'data directory', process.env.POSTLOG_DATA ?? './data')
  .option('--config <file>', 'configuration file (YAML or JSON)', process.env.POSTLOG_CONFIG)
  .showHelpAfterError();

serveCommand(program);
deliverCommand(program);
mailboxCommands(program);
logCommands(program);
domainCommands(program);
userCommands(program);
aliasCommands(program);
groupCommands(program);
asOfCommands(program);
historyCommand(program);
auditCommand(program);
replayCommand(program);
mergeCommand(program);
portableCommands(program);
queueCommands(program);

/** Errors a user can act on are one line on stderr; anything else is a bug and shows its stack. */
function report(error: unknown): number {
  if (error instanceof DomainError || error instanceof ConfigError) {
    process.stderr.write(`postlog: ${error.message}\n`);
    return error instanceof ConfigError ? 2 : 1;
  }
  const typed = error as { type?: string; message?: string };
  if (typeof typed?.type === 'string') {
    process.stderr.write(`postlog: ${typed.message}\n`);
    return 1;
  }
  process.stderr.write(`postlog: internal error: ${(error as Error)?.stack ?? String(error)}\n`);
  return 70;
}

try {
  await program.parseAsync(process.argv);
} catch (error) {
  process.exitCode = report(error);
}
