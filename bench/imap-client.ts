// A minimal IMAP client for the bench: one command at a time, replies read up to the tagged
// line (literals skipped over), each command's latency measured. Cheap enough that the load
// generator is never what limits either server.
import { connect, type Socket } from 'node:net';

export type Reply = { lines: string[]; ms: number };

export class BenchClient {
  private buffer: Buffer = Buffer.alloc(0);
  private pending: (() => void) | null = null;
  private n = 0;

  private constructor(private readonly socket: Socket) {
    socket.on('data', (chunk: Buffer) => {
      this.buffer = this.buffer.length ? Buffer.concat([this.buffer, chunk]) : chunk;
      const wake = this.pending;
      this.pending = null;
      wake?.();
    });
    socket.on('error', () => {});
  }

  static async open(port: number): Promise<BenchClient> {
    const socket = connect({ host: '127.0.0.1', port });
    socket.setNoDelay(true);
    await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
    const client = new BenchClient(socket);
    await client.readUntil((line) => line.startsWith('* OK') || line.startsWith('* PREAUTH'));
    return client;
  }

  /** Sends one command (with an optional LITERAL+ message) and waits for its tagged reply. */
  async command(text: string, literal?: Buffer): Promise<Reply> {
    const tag = `b${++this.n}`;
    const started = performance.now();
    if (literal) {
      this.socket.write(`${tag} ${text} {${literal.length}+}\r\n`);
      this.socket.write(literal);
      this.socket.write('\r\n');
    } else this.socket.write(`${tag} ${text}\r\n`);
    const lines = await this.readUntil((line) => line.startsWith(`${tag} `));
    const last = lines[lines.length - 1]!;
    if (!last.startsWith(`${tag} OK`)) throw new Error(`${text} -> ${last.trim()}`);
    return { lines, ms: performance.now() - started };
  }

  private async readUntil(done: (line: string) => boolean): Promise<string[]> {
    const lines: string[] = [];
    for (;;) {
      const end = this.lineEnd();
      if (end < 0) {
        await new Promise<void>((resolve) => (this.pending = resolve));
        continue;
      }
      const line = this.buffer.subarray(0, end).toString('latin1');
      this.buffer = this.buffer.subarray(end);
      lines.push(line);
      if (done(line)) return lines;
    }
  }

  private lineEnd(): number {
    let from = 0;
    for (;;) {
      const lf = this.buffer.indexOf(10, from);
      if (lf < 0) return -1;
      const m = /\{(\d+)\}\r$/.exec(this.buffer.subarray(Math.max(from, lf - 24), lf).toString('latin1'));
      if (!m) return lf + 1;
      from = lf + 1 + Number(m[1]);
      if (from > this.buffer.length) return -1;
    }
  }

  close(): void {
    this.socket.destroy();
  }
}
