// `postlog serve`: opens the store, catches the projections up, starts every front-end,
// says what listens where, and stops cleanly on SIGINT/SIGTERM.
import type { Command } from 'commander';
import pino from 'pino';
import { openRuntime, type Runtime } from '../runtime.ts';
import { verifyPassword } from '../../domain/directory/password/verify.ts';
import { loadTls } from '../tls.ts';
import { FRONT_ENDS, type Started } from '../server.ts';
import { settings, adminContext } from './common.ts';
import { say } from './output.ts';
import '../front-ends.ts';

const DEMO_DOMAIN = 'example.test';
const DEMO_ADDRESS = `demo@${DEMO_DOMAIN}`;
/** Known on purpose: the demo is for trying clients against a local server. */
const DEMO_PASSWORD = 'demo-password';

/** The demo domain and user, with the demo password (set again if someone changed it away). */
async function demoSetup(runtime: Runtime): Promise<void> {
  const ctx = adminContext(runtime, 'demo setup');
  if (!(await runtime.directoryService.domains()).includes(DEMO_DOMAIN)) await runtime.directoryService.addDomain(DEMO_DOMAIN, ctx);
  const accountId = await runtime.mail.accountOf(DEMO_ADDRESS);
  if (!accountId) await runtime.directoryService.addUser(DEMO_ADDRESS, ctx, { password: DEMO_PASSWORD, displayName: 'Demo User', givenName: 'Demo', surname: 'User' });
  else {
    const hash = runtime.directory.user(accountId)?.passwordHash;
    if (!hash || !(await verifyPassword(DEMO_PASSWORD, hash))) await runtime.directoryService.setPassword(accountId, DEMO_PASSWORD, ctx);
    await runtime.directoryService.setEnabled(accountId, true, ctx);
  }
  await runtime.runner.waitFor(await runtime.storage.events.headPosition());
}

export function serveCommand(program: Command): void {
  program
    .command('serve')
    .description('run the mail server')
    .option('--demo', `make sure the demo domain and user (${DEMO_ADDRESS}, password ${DEMO_PASSWORD}) exist, for trying things out`)
    .action(async (options: { demo?: boolean }, command: Command) => {
      const { dataDir, config } = settings(command);
      const logger = pino({ level: config.log.level, redact: ['password', '*.password', 'credentials'] });
      const runtime = await openRuntime(dataDir, { logger, follow: true, config });
      const tls = await loadTls(config, dataDir);
      if (options.demo) await demoSetup(runtime);
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
        say(`Demo user: ${DEMO_ADDRESS} (login demo), password: ${DEMO_PASSWORD}. Try, in another terminal:`);
        say(`  printf 'Subject: hello\\r\\n\\r\\nfirst message\\r\\n' | npx postlog deliver ${DEMO_ADDRESS}`);
        const mx = listeners.find((l) => l.service === 'smtp');
        const submission = listeners.find((l) => l.service === 'submission');
        if (mx) {
          say(`  python3 -c "import smtplib; smtplib.SMTP('${mx.host}', ${mx.port}).sendmail('someone@example.net', ['${DEMO_ADDRESS}'], 'Subject: over SMTP\\r\\n\\r\\nhello\\r\\n')"`);
        }
        if (submission) {
          say(`  printf 'From: ${DEMO_ADDRESS}\\r\\nSubject: by submission\\r\\n\\r\\nhello\\r\\n' | curl -sk --ssl-reqd smtp://${submission.host}:${submission.port} \\`);
          say(`      --user '${DEMO_ADDRESS}:${DEMO_PASSWORD}' --mail-from ${DEMO_ADDRESS} --mail-rcpt ${DEMO_ADDRESS} -T -`);
        }
        say(`  npx postlog mailbox show ${DEMO_ADDRESS} INBOX`);
        say(`Add a user: printf 'a password' | npx postlog user add you@${DEMO_DOMAIN} --name 'Your Name' --password-stdin`);
      }
      say('Stop with Ctrl-C.');
    });
}
