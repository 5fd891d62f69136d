// A "remote" mail server for the relay tests: smtp-server on 127.0.0.1 port 0 that records
// every connection and message (with whether the session was TLS and who signed in), and
// answers recipients by rule: temp-* 451 (a number of times), no-* 550, anything else 250.
import { createServer, type Server, type Socket } from 'node:net';
import { SMTPServer, type SMTPServerOptions } from 'smtp-server';

export type Received = { from: string; to: string[]; raw: string; secure: boolean; user?: string; connection: number };

export type RemoteMx = {
  port: number;
  messages: Received[];
  connections: number;
  /** the most connections open at once */
  mostAtOnce: number;
  /** how many times each temp-* recipient is still refused with 451 */
  tempFailures: Map<string, number>;
  close(): Promise<void>;
};

export async function startRemoteMx(options: Partial<SMTPServerOptions> & { tempFailuresPerRecipient?: number } = {}): Promise<RemoteMx> {
  let open = 0;
  const remote: RemoteMx = { port: 0, messages: [], connections: 0, mostAtOnce: 0, tempFailures: new Map(), close: async () => {} };
  const connectionIds = new Map<string, number>();
  const server = new SMTPServer({
    authOptional: true,
    disableReverseLookup: true,
    logger: false,
    onConnect(session, callback) {
      connectionIds.set(session.id, ++remote.connections);
      remote.mostAtOnce = Math.max(remote.mostAtOnce, ++open);
      callback();
    },
    onClose() {
      open--;
    },
    onRcptTo(address, _session, callback) {
      const local = address.address.split('@')[0]!;
      if (local.startsWith('no-')) return callback(Object.assign(new Error('5.1.1 no such user here'), { responseCode: 550 }));
      if (local.startsWith('temp-')) {
        const left = remote.tempFailures.get(address.address) ?? options.tempFailuresPerRecipient ?? 1;
        if (left > 0) {
          remote.tempFailures.set(address.address, left - 1);
          return callback(Object.assign(new Error('4.2.1 mailbox busy, try later'), { responseCode: 451 }));
        }
      }
      callback();
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        remote.messages.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((r) => r.address),
          raw: Buffer.concat(chunks).toString('utf8'),
          secure: session.secure,
          ...(session.user !== undefined && { user: String(session.user) }),
          connection: connectionIds.get(session.id)!,
        });
        callback(null, 'Ok: queued as REMOTE' + remote.messages.length);
      });
    },
    ...options,
  });
  server.on('error', () => {});
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  remote.port = (server.server.address() as { port: number }).port;
  remote.close = () => new Promise((resolve) => server.close(() => resolve()));
  return remote;
}

/** A server that speaks garbage (or nothing at all: a stall) instead of SMTP. */
export async function startBrokenServer(behaviour: 'garbage' | 'stall', host = '127.0.0.1', port = 0): Promise<{ port: number; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => {});
    socket.on('close', () => sockets.delete(socket));
    if (behaviour === 'garbage') socket.write('hello, this is not SMTP\r\n');
  });
  await new Promise<void>((resolve) => server.listen(port, host, resolve));
  return {
    port: (server.address() as { port: number }).port,
    close: () =>
      new Promise((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
