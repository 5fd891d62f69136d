// Waiting out a full socket buffer: a slow reader holds the writer back instead of making the
// server buffer a whole message for it.
import type { Socket } from 'node:net';

/** Resolves once the socket can take more (or has closed). */
export function drained(socket: Socket): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      socket.off('drain', done);
      socket.off('close', done);
      resolve();
    };
    socket.on('drain', done);
    socket.on('close', done);
  });
}
