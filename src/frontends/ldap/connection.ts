// One LDAP connection around ldapjs's own handling: an id and a logger per connection, the bind
// state, the idle timeout, a guard that frames messages before ldapjs buffers them (malformed
// BER or an oversized message closes the connection), and the upgrade to TLS after StartTLS.
import { randomBytes } from 'node:crypto';
import type { Socket } from 'node:net';
import { TLSSocket, type SecureContext } from 'node:tls';
import type { Logger } from 'pino';
import { plainAddress } from '../directory/networks.ts';
import { messageSize } from './ber.ts';
import type { LdapServer, LdapSocket } from './ldapjs.ts';

export type Bound = Readonly<{ accountId: string; address: string; dn: string }>;

export type LdapSession = {
  readonly cid: string;
  readonly clientAddress: string;
  secure: boolean;
  bound: Bound | undefined;
  /** {proto, cid, client}, and {user} once bound */
  log: Logger;
  readonly baseLog: Logger;
};

export type ConnectionEnv = Readonly<{
  server: LdapServer;
  logger: Logger;
  /** for StartTLS on the plain port */
  secureContext: SecureContext;
  idleTimeoutMs: number;
  /** an LDAP message larger than this closes the connection */
  maxMessageBytes: number;
}>;

/** The session of each socket ldapjs hands to the operation handlers. */
export class Sessions {
  private readonly bySocket = new WeakMap<Socket, LdapSession>();
  readonly open = new Set<Socket>();

  constructor(private readonly env: ConnectionEnv) {}

  of(socket: Socket): LdapSession {
    const session = this.bySocket.get(socket);
    if (!session) throw new Error('an LDAP request arrived on a socket without a session');
    return session;
  }

  /** A new connection on either port. */
  accept(socket: Socket, secure: boolean): void {
    const cid = randomBytes(6).toString('base64url');
    const clientAddress = plainAddress(socket.remoteAddress ?? '');
    const log = this.env.logger.child({ cid, client: clientAddress });
    this.serve(socket, { cid, clientAddress, secure, bound: undefined, log, baseLog: log });
    log.debug({ secure }, 'connected');
  }

  /** Answers StartTLS (already sent by the caller) by wrapping the socket; the bind state is reset. */
  upgrade(socket: Socket): void {
    const session = this.of(socket);
    socket.removeAllListeners('data');
    const secured = new TLSSocket(socket, { isServer: true, secureContext: this.env.secureContext });
    secured.on('secure', () => session.log.debug('TLS established (StartTLS)'));
    this.serve(secured, { ...session, secure: true, bound: undefined, log: session.baseLog });
  }

  /** Closes every connection (server shutdown). */
  closeAll(): void {
    for (const socket of this.open) socket.destroy();
  }

  private serve(socket: Socket, session: LdapSession): void {
    this.bySocket.set(socket, session);
    this.open.add(socket);
    socket.once('close', () => {
      this.open.delete(socket);
      session.log.debug('closed');
    });
    socket.on('error', (err) => session.log.debug({ err }, 'connection error'));
    socket.setTimeout(this.env.idleTimeoutMs);
    this.env.server.newConnection(socket);
    // ldapjs feeds every chunk to its parser, which buffers a message of any announced length:
    // frame the messages first.
    const parser = (socket as LdapSocket).parser!;
    socket.removeAllListeners('data');
    const guard = new MessageGuard(this.env.maxMessageBytes);
    socket.on('data', (chunk: Buffer) => {
      const problem = guard.check(chunk);
      if (problem) {
        session.log.warn({ problem }, 'closing the connection: not an acceptable LDAP message');
        socket.destroy();
        return;
      }
      parser.write(chunk);
    });
  }
}

/** Follows message boundaries in the byte stream: each must be a BER SEQUENCE of bounded size. */
export class MessageGuard {
  private header = Buffer.alloc(0);
  private remaining = 0;

  constructor(private readonly maxBytes: number) {}

  /** undefined when the chunk is fine, else what is wrong */
  check(chunk: Buffer): string | undefined {
    let offset = 0;
    while (offset < chunk.length) {
      if (this.remaining > 0) {
        const take = Math.min(this.remaining, chunk.length - offset);
        this.remaining -= take;
        offset += take;
        continue;
      }
      const before = this.header.length;
      const header = Buffer.concat([this.header, chunk.subarray(offset, offset + 6 - before)]);
      const size = messageSize(header);
      if (size === 'malformed') return 'malformed BER: a message must start with a SEQUENCE of definite length';
      if (size === undefined) {
        this.header = header;
        offset += header.length - before;
        continue;
      }
      if (size > this.maxBytes) return `message of ${size} bytes, more than ${this.maxBytes}`;
      const used = Math.min(size, header.length);
      this.header = Buffer.alloc(0);
      this.remaining = size - used;
      offset += used - before;
    }
    return undefined;
  }
}
