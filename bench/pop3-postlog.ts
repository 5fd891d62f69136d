// postlog's POP3 server for the bench, in its own process.
// Arguments: DATA_DIR PASSWORD USERS PER_USER; prints {"pop3": port} once the mail is delivered.
import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import pino from 'pino';
import { openRuntime } from '../src/frontends/runtime.ts';
import { loadConfig } from '../src/frontends/config.ts';
import { loadTls } from '../src/frontends/tls.ts';
import { commandContext } from '../src/frontends/context.ts';
import { receiveMessage } from '../src/domain/message/intake.ts';
import { pop3FrontEnd } from '../src/frontends/pop3/front-end.ts';
import { benchUser } from './pop3-client.ts';
import { loadCorpus, messagesOf } from './pop3-corpus.ts';

const [dataDir, password, usersArg, perUserArg] = process.argv.slice(2) as [string, string, string, string];
const users = Number(usersArg);
const perUser = Number(perUserArg);
const config = loadConfig(undefined, { POSTLOG_POP3_PORT: '0', POSTLOG_POP3S_PORT: '0', POSTLOG_LOG_LEVEL: 'silent' });
const logger = pino({ level: 'silent' });
const runtime = await openRuntime(dataDir, { follow: true, config, logger });
const admin = commandContext({ kind: 'admin', id: 'bench', protocol: 'cli' }, runtime.origin);
const corpus = loadCorpus(users * perUser);
for (let u = 0; u < users; u++) {
  const address = benchUser(u);
  const domain = address.split('@')[1]!;
  if (!(await runtime.directoryService.domains()).includes(domain)) await runtime.directoryService.addDomain(domain, admin);
  const accountId = await runtime.directoryService.addUser(address, admin, { password });
  // Delivered concurrently, the way SMTP sessions do (group commit batches them).
  await Promise.all(
    messagesOf(corpus, u, perUser).map(async (raw) => {
      const received = await receiveMessage(runtime.storage.blobs, Readable.from([raw]));
      const source = { kind: 'delivery', mailFrom: 'bench@example.net', rcptTo: address, clientAddress: 'local', transactionId: randomUUID() } as const;
      await runtime.mail.deliver(accountId, { ...received, internalDate: admin.now, flags: [], source }, admin);
    }),
  );
}
await runtime.runner.waitFor(await runtime.storage.events.headPosition());
const started = await pop3FrontEnd.start({ runtime, config, tls: await loadTls(config, dataDir), logger });
process.stdout.write(JSON.stringify({ pop3: started.listeners.find((l) => l.service === 'pop3')!.port }) + '\n');
process.once('SIGTERM', () => {
  void started.close().then(() => runtime.close()).then(() => process.exit(0));
});
