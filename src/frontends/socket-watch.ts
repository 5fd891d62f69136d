// A connection's hold on its socket: the handlers it listens with, which STARTTLS/STLS moves
// from the plain socket to the TLS one wrapped around it.
import type { Socket } from 'node:net';
import { TLSSocket, type SecureContext } from 'node:tls';

export type SocketHandlers = Readonly<{
  data: (chunk: Buffer) => void;
  timeout: () => void;
  error: (error: Error) => void;
  close: () => void;
}>;

/** Listens on `socket`; returns how to stop listening. */
export function watchSocket(socket: Socket, handlers: SocketHandlers, idleTimeoutMs: number): () => void {
  // Replies go out in several writes: without this, Nagle's algorithm holds the last one for
  // the client's delayed ACK (40 ms a command).
  socket.setNoDelay(true);
  socket.setTimeout(idleTimeoutMs);
  socket.on('data', handlers.data);
  socket.on('timeout', handlers.timeout);
  socket.on('error', handlers.error);
  socket.on('close', handlers.close);
  return () => {
    socket.setTimeout(0);
    socket.off('data', handlers.data);
    socket.off('timeout', handlers.timeout);
    socket.off('error', handlers.error);
    socket.off('close', handlers.close);
  };
}

export type Upgraded = Readonly<{
  socket: TLSSocket;
  unwatch: () => void;
  /** true once the handshake is done; false when the connection closed first */
  secured: Promise<boolean>;
}>;

/** Moves the handlers from a plain socket to a server-side TLS socket over it. */
export function upgradeToTls(
  plain: Socket,
  unwatchPlain: () => void,
  context: SecureContext,
  handlers: SocketHandlers,
  idleTimeoutMs: number,
): Upgraded {
  unwatchPlain();
  const socket = new TLSSocket(plain, { isServer: true, secureContext: context });
  const unwatch = watchSocket(socket, handlers, idleTimeoutMs);
  const secured = new Promise<boolean>((resolve) => {
    socket.once('secure', () => resolve(true));
    socket.once('close', () => resolve(false));
  });
  return { socket, unwatch, secured };
}
