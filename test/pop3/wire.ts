// A raw POP3 client for exact-byte tests: sends lines, reads status lines and multi-line bodies.
import { connect as connectPlain, type Socket } from 'node:net';
import { connect as connectTls } from 'node:tls';

export class Wire {
  private buffer = Buffer.alloc(0);
  private waiting: (() => void) | undefined;
  closed = false;

  private constructor(private socket: Socket) {
    this.listen(socket);
  }

  static async connect(port: number, tls = false): Promise<Wire> {
    const socket = tls
      ? connectTls({ host: '127.0.0.1', port, rejectUnauthorized: false })
      : connectPlain({ host: '127.0.0.1', port });
    await new Promise<void>((resolve, reject) => {
      socket.once(tls ? 'secureConnect' : 'connect', () => resolve());
      socket.once('error', reject);
    });
    return new Wire(socket);
  }

  private listen(socket: Socket): void {
    socket.on('data', (chunk: Buffer) => {
      this.buffer = Buffer.concat([this.buffer, chunk]);
      this.waiting?.();
    });
    socket.on('close', () => {
      this.closed = true;
      this.waiting?.();
    });
    socket.on('error', () => {});
  }

  write(data: string | Buffer): void {
    this.socket.write(data);
  }

  /** sends one command line and returns the status line */
  async command(line: string): Promise<string> {
    this.write(line + '\r\n');
    return this.line();
  }

  /** the next line, without CRLF; throws if the line ended in a bare LF */
  async line(timeoutMs = 5000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const lf = this.buffer.indexOf(10);
      if (lf >= 0) {
        if (this.buffer[lf - 1] !== 13) throw new Error(`line without CRLF: ${JSON.stringify(this.buffer.subarray(0, lf + 1).toString())}`);
        const line = this.buffer.subarray(0, lf - 1).toString('utf8');
        this.buffer = this.buffer.subarray(lf + 1);
        return line;
      }
      if (this.closed) throw new Error('connection closed');
      await this.wait(deadline);
    }
  }

  /** the raw bytes of a multi-line body up to and including ".\r\n" */
  async body(timeoutMs = 5000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const text = this.buffer.toString('latin1');
      const end = text.startsWith('.\r\n') ? 0 : text.indexOf('\r\n.\r\n');
      if (end >= 0) {
        const length = end === 0 ? 3 : end + 5;
        this.buffer = this.buffer.subarray(length);
        return text.slice(0, length);
      }
      if (this.closed) throw new Error('connection closed');
      await this.wait(deadline);
    }
  }

  /** resolves once the server has closed the connection */
  async waitClosed(timeoutMs = 5000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!this.closed) await this.wait(deadline);
  }

  /** upgrades after a +OK to STLS */
  async startTls(): Promise<void> {
    this.socket.removeAllListeners('data');
    const secure = connectTls({ socket: this.socket, rejectUnauthorized: false });
    this.socket = secure;
    this.listen(secure);
    await new Promise<void>((resolve, reject) => {
      secure.once('secureConnect', () => resolve());
      secure.once('error', reject);
    });
  }

  drop(): void {
    this.socket.destroy();
  }

  private wait(deadline: number): Promise<void> {
    const left = deadline - Date.now();
    if (left <= 0) return Promise.reject(new Error(`timed out; buffered: ${JSON.stringify(this.buffer.toString())}`));
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.waiting = undefined;
        resolve();
      }, left);
      this.waiting = () => {
        clearTimeout(timer);
        this.waiting = undefined;
        resolve();
      };
    });
  }
}
