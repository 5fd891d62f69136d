// A lean POP3 client for the bench: one session = connect, USER/PASS, STAT, UIDL, RETR every
// message, QUIT, recording how long each RETR took. No pipelining, as most clients do.
import { connect, type Socket } from 'node:net';

export const benchUser = (i: number) => `user${i}@bench.test`;

export type SessionTimes = Readonly<{
  loginMs: number;
  retrMs: number[];
  bytes: number;
  /** performance.now() when STAT was sent and when QUIT was answered: the retrieval phase */
  retrievalStart: number;
  retrievalEnd: number;
}>;

class Reader {
  private buffer: Buffer = Buffer.alloc(0);
  private wake: (() => void) | undefined;
  private failure: Error | undefined;

  constructor(socket: Socket) {
    socket.on('data', (chunk: Buffer) => {
      this.buffer = this.buffer.length ? Buffer.concat([this.buffer, chunk]) : chunk;
      this.wake?.();
    });
    socket.on('error', (error) => {
      this.failure = error;
      this.wake?.();
    });
    socket.on('close', () => {
      this.failure ??= new Error('connection closed');
      this.wake?.();
    });
  }

  /** waits until `find` locates an end in the buffer; returns the bytes up to it */
  private async until(find: (b: Buffer) => number): Promise<Buffer> {
    for (;;) {
      const end = find(this.buffer);
      if (end >= 0) {
        const out = this.buffer.subarray(0, end);
        this.buffer = this.buffer.subarray(end);
        return out;
      }
      if (this.failure) throw this.failure;
      await new Promise<void>((resolve) => (this.wake = resolve));
      this.wake = undefined;
    }
  }

  async status(): Promise<string> {
    const line = (await this.until((b) => (b.indexOf('\r\n') < 0 ? -1 : b.indexOf('\r\n') + 2))).toString('latin1');
    if (!line.startsWith('+OK')) throw new Error(`server said: ${line.trim()}`);
    return line;
  }

  /** a multi-line body, through the terminating ".\r\n" */
  async body(): Promise<Buffer> {
    return this.until((b) => {
      if (b.subarray(0, 3).toString('latin1') === '.\r\n') return 3;
      const end = b.indexOf('\r\n.\r\n');
      return end < 0 ? -1 : end + 5;
    });
  }
}

export async function session(port: number, user: string, password: string): Promise<SessionTimes> {
  const started = performance.now();
  const socket = connect({ host: '127.0.0.1', port });
  socket.setNoDelay(true);
  const reader = new Reader(socket);
  const send = (line: string) => socket.write(line + '\r\n');
  try {
    await reader.status();
    send(`USER ${user}`);
    await reader.status();
    send(`PASS ${password}`);
    await reader.status();
    const loginMs = performance.now() - started;
    const retrievalStart = performance.now();
    send('STAT');
    const count = Number((await reader.status()).split(' ')[1]);
    send('UIDL');
    await reader.status();
    await reader.body();
    const retrMs: number[] = [];
    let bytes = 0;
    for (let n = 1; n <= count; n++) {
      const t = performance.now();
      send(`RETR ${n}`);
      await reader.status();
      bytes += (await reader.body()).length;
      retrMs.push(performance.now() - t);
    }
    send('QUIT');
    await reader.status();
    return { loginMs, retrMs, bytes, retrievalStart, retrievalEnd: performance.now() };
  } finally {
    socket.destroy();
  }
}
