// A raw IMAP client for exact-bytes tests: sends what it is told, reads until the tagged reply.
import { connect, type Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';

export class Wire {
  private buffer = Buffer.alloc(0);
  private waiters: (() => void)[] = [];
  closed = false;

  private constructor(private socket: Socket) {
    this.listen(socket);
  }

  static async open(port: number, secure = false): Promise<Wire> {
    const socket = secure ? tlsConnect({ host: '127.0.0.1', port, rejectUnauthorized: false }) : connect({ host: '127.0.0.1', port });
    await new Promise<void>((resolve, reject) => {
      socket.once(secure ? 'secureConnect' : 'connect', () => resolve());
      socket.once('error', reject);
    });
    const wire = new Wire(socket);
    await wire.readLine(); // greeting
    return wire;
  }

  private listen(socket: Socket): void {
    socket.on('data', (chunk: Buffer) => {
      this.buffer = Buffer.concat([this.buffer, chunk]);
      this.notify();
    });
    socket.on('close', () => {
      this.closed = true;
      this.notify();
    });
    socket.on('error', () => {});
  }

  private notify(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }

  private wait(): Promise<void> {
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  send(data: string | Buffer): void {
    this.socket.write(data);
  }

  /** One response line (with CRLF), literals included. */
  async readLine(timeoutMs = 5000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const end = this.lineEnd();
      if (end >= 0) {
        const line = this.buffer.subarray(0, end).toString('utf8');
        this.buffer = this.buffer.subarray(end);
        return line;
      }
      if (this.closed) throw new Error(`connection closed; unread: ${JSON.stringify(this.buffer.toString())}`);
      if (Date.now() > deadline) throw new Error(`timeout; unread: ${JSON.stringify(this.buffer.toString())}`);
      await Promise.race([this.wait(), new Promise((r) => setTimeout(r, 50))]);
    }
  }

  /** Where the current line ends, skipping over literals. */
  private lineEnd(): number {
    let i = 0;
    for (;;) {
      const lf = this.buffer.indexOf('\n', i);
      if (lf < 0) return -1;
      const m = /\{(\d+)\}\r$/.exec(this.buffer.subarray(i, lf).toString('latin1'));
      if (!m) return lf + 1;
      i = lf + 1 + Number(m[1]);
      if (i > this.buffer.length) return -1;
    }
  }

  /** Sends `tag command` and returns every line up to and including the tagged one. */
  async command(tag: string, command: string): Promise<string[]> {
    this.send(`${tag} ${command}\r\n`);
    return this.until(tag);
  }

  async until(tag: string): Promise<string[]> {
    const lines: string[] = [];
    for (;;) {
      const line = await this.readLine();
      lines.push(line);
      if (line.startsWith(`${tag} `)) return lines;
    }
  }

  async login(user: string, password: string): Promise<void> {
    const reply = await this.command('L', `LOGIN "${user}" "${password}"`);
    if (!reply.at(-1)!.startsWith('L OK')) throw new Error(reply.join(''));
  }

  close(): void {
    this.socket.destroy();
  }
}
