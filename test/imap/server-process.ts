// A postlog IMAP server in its own process, for tests that kill it: opens DATA_DIR, makes sure
// the user exists, starts IMAP on a free port and prints {"imap": port}.
import pino from 'pino';
import { openRuntime } from '../../src/frontends/runtime.ts';
import { loadConfig } from '../../src/frontends/config.ts';
import { loadTls } from '../../src/frontends/tls.ts';
import { imapFrontEnd } from '../../src/frontends/imap/front-end.ts';
import { addTestUser } from '../helpers/runtime.ts';

const [dataDir, user, password] = process.argv.slice(2) as [string, string, string];
const config = loadConfig(undefined, { POSTLOG_IMAP_PORT: '0', POSTLOG_IMAPS_PORT: '0', POSTLOG_LOG_LEVEL: 'silent' });
const logger = pino({ level: 'silent' });
const runtime = await openRuntime(dataDir, { follow: true, config, logger });
if (!(await runtime.mail.accountOf(user))) await addTestUser(runtime, user, password);
const started = await imapFrontEnd.start({ runtime, config, tls: await loadTls(config, dataDir), logger });
process.stdout.write(JSON.stringify({ imap: started.listeners.find((l) => l.service === 'imap')!.port }) + '\n');
