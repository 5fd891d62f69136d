// `postlog serve`: opens the store, catches the projections up, starts every front-end,
// says what listens where, and stops cleanly on SIGINT/SIGTERM.
import type { Command } from 'commander';
import pino from 'pino';
import { openRuntime } from '../runtime.ts';
import { loadTls } from '../tls.ts';
import { FRONT_ENDS, type Started } from '../server.ts';
import { settings, adminContext } from './common.ts';
import { say } from './output.ts';
import '../front-ends.ts';

const DEMO_ADDRESS = 'demo@example.test';

export function serveCommand(program: Command): void {
  program
    .command('serve')
    .description('run the mail server')
    .option('--demo', `make sure a demo account (${DEMO_ADDRESS}) exists, for trying things out`)
    .action(async (options: { demo?: boolean }, command: Command) => {
      const { dataDir, config } = settings(command);
      const logger = pino({ level: config.log.level, redact: ['password', '*.password', 'credentials'] });
      const runtime = await openRuntime(dataDir, { logger, follow: true });
      const tls = await loadTls(config, dataDir);
      if (options.demo && !(await runtime.mail.accountOf(DEMO_ADDRESS))) {
        await runtime.mail.createAccount(DEMO_ADDRESS, adminContext(runtime, 'demo setup'));
      }
      const started: Started[] = [];
      const stop = async (signal: string) => {
        logger.info({ signal }, 'stopping');
        for (const s of started.reverse()) await s.close().catch((err) => logger.error({ err }, 'front-end did not stop cleanly'));
        await runtime.close();
        logger.info('stopped');
        process.exit(0);
      };
      process.once('SIGINT', () => void stop('SIGINT'));
      process.once('SIGTERM', () => void stop('SIGTERM'));
      for (const frontEnd of FRONT_ENDS) {
        started.push(await frontEnd.start({ runtime, config, tls, logger: logger.child({ proto: frontEnd.name }) }));
      }

      say(`postlog is serving the data in ${dataDir} (node ${runtime.origin})`);
      say(`  event log at position ${await runtime.storage.events.headPosition()}; projections caught up`);
      const listeners = started.flatMap((s) => s.listeners);
      for (const l of listeners) say(`  ${l.service.padEnd(12)} ${l.host}:${l.port}  (${l.security})`);
      if (!listeners.length) say('  no protocol front-ends are built yet: see README.md, "What works today"');
      say(`  TLS certificate: ${tls.certPath}${tls.selfSigned ? ' (self-signed, made on first start)' : ''}`);
      if (options.demo) {
        say('');
        say(`Demo account: ${DEMO_ADDRESS}. Try, in another terminal:`);
        say(`  printf 'Subject: hello\\r\\n\\r\\nfirst message\\r\\n' | npx postlog deliver ${DEMO_ADDRESS}`);
        say(`  npx postlog mailbox show ${DEMO_ADDRESS} INBOX`);
        say(`Add an account: printf 'Subject: welcome\\r\\n\\r\\nhi\\r\\n' | npx postlog deliver --create you@example.test`);
      }
      say('Stop with Ctrl-C.');
    });
}
