// postlog's IMAP server for the bench, in its own process: DATA_DIR PASSWORD USER... ; prints {"imap": port}.
import pino from 'pino';
import { openRuntime } from '../src/frontends/runtime.ts';
import { loadConfig } from '../src/frontends/config.ts';
import { loadTls } from '../src/frontends/tls.ts';
import { commandContext } from '../src/frontends/context.ts';
import { imapFrontEnd } from '../src/frontends/imap/front-end.ts';

const [dataDir, password, ...users] = process.argv.slice(2) as [string, string, ...string[]];
const config = loadConfig(undefined, { POSTLOG_IMAP_PORT: '0', POSTLOG_IMAPS_PORT: '0', POSTLOG_LOG_LEVEL: 'silent' });
const logger = pino({ level: 'silent' });
const runtime = await openRuntime(dataDir, { follow: true, config, logger });
const admin = commandContext({ kind: 'admin', id: 'bench', protocol: 'cli' }, runtime.origin);
for (const user of users) {
  const domain = user.split('@')[1]!;
  if (!(await runtime.directoryService.domains()).includes(domain)) await runtime.directoryService.addDomain(domain, admin);
  if (!(await runtime.mail.accountOf(user))) await runtime.directoryService.addUser(user, admin, { password });
}
await runtime.runner.waitFor(await runtime.storage.events.headPosition());
const started = await imapFrontEnd.start({ runtime, config, tls: await loadTls(config, dataDir), logger });
process.stdout.write(JSON.stringify({ imap: started.listeners.find((l) => l.service === 'imap')!.port }) + '\n');
process.once('SIGTERM', () => {
  void started.close().then(() => runtime.close()).then(() => process.exit(0));
});
