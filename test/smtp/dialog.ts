// A raw SMTP client for tests that need exact replies: send a line, read the whole reply.
import { connect as connectTcp, type Socket } from 'node:net';
import { connect as connectTls, type TLSSocket } from 'node:tls';

export type Reply = { code: number; text: string; lines: string[] };

export class Dialog {
  private buffer = '';
  private lines: string[] = [];
  private waiting: ((r: Reply) => void)[] = [];
  private replies: Reply[] = [];
  closed: Promise<void>;

  private constructor(private socket: Socket | TLSSocket) {
    this.closed = new Promise((resolve) => socket.once('close', () => resolve()));
    this.listen(socket);
  }

  /** `halfOpen` (plain TCP): the client's end stays open when the server closes its own, as some clients do. */
  static async open(port: number, options: { tls?: boolean; greeting?: boolean; halfOpen?: boolean } = {}): Promise<{ dialog: Dialog; greeting: Reply }> {
    const socket = options.tls
      ? connectTls({ port, host: '127.0.0.1', rejectUnauthorized: false })
      : connectTcp({ port, host: '127.0.0.1', allowHalfOpen: options.halfOpen ?? false });
    socket.on('error', () => {});
    await new Promise<void>((resolve, reject) => {
      socket.once(options.tls ? 'secureConnect' : 'connect', () => resolve());
      socket.once('error', reject);
    });
    const dialog = new Dialog(socket);
    return { dialog, greeting: options.greeting === false ? { code: 0, text: '', lines: [] } : await dialog.read() };
  }

  private listen(socket: Socket | TLSSocket): void {
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      this.buffer += chunk;
      let eol: number;
      while ((eol = this.buffer.indexOf('\r\n')) >= 0) {
        const line = this.buffer.slice(0, eol);
        this.buffer = this.buffer.slice(eol + 2);
        this.lines.push(line);
        if (line[3] !== '-') {
          const reply = { code: Number(line.slice(0, 3)), text: line.slice(4), lines: this.lines };
          this.lines = [];
          const waiter = this.waiting.shift();
          if (waiter) waiter(reply);
          else this.replies.push(reply);
        }
      }
    });
    socket.on('close', () => {
      for (const w of this.waiting.splice(0)) w({ code: 0, text: 'connection closed', lines: [] });
    });
  }

  read(): Promise<Reply> {
    const ready = this.replies.shift();
    if (ready) return Promise.resolve(ready);
    if (this.socket.destroyed) return Promise.resolve({ code: 0, text: 'connection closed', lines: [] });
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  write(data: string | Buffer): void {
    this.socket.write(data);
  }

  send(line: string): Promise<Reply> {
    this.write(line + '\r\n');
    return this.read();
  }

  /** DATA, the message (dot-stuffed here), the final dot: the reply to the message. */
  async data(message: string | Buffer): Promise<Reply> {
    const go = await this.send('DATA');
    if (go.code !== 354) return go;
    const text = Buffer.from(message).toString('latin1');
    const stuffed = text.replace(/(^|\n)\./g, '$1..');
    this.write(Buffer.from(stuffed + (stuffed.endsWith('\r\n') ? '' : '\r\n') + '.\r\n', 'latin1'));
    return this.read();
  }

  async startTls(): Promise<Reply> {
    const reply = await this.send('STARTTLS');
    if (reply.code !== 220) return reply;
    const plain = this.socket;
    plain.removeAllListeners('data');
    const secure = connectTls({ socket: plain, rejectUnauthorized: false });
    secure.on('error', () => {});
    await new Promise<void>((resolve) => secure.once('secureConnect', () => resolve()));
    this.socket = secure;
    this.listen(secure);
    return reply;
  }

  close(): void {
    this.socket.destroy();
  }
}

/** "EHLO", then MAIL FROM and RCPT TO for each recipient; the replies in order. */
export async function envelope(dialog: Dialog, from: string, to: readonly string[]): Promise<Reply[]> {
  const replies = [await dialog.send('EHLO client.example'), await dialog.send(`MAIL FROM:<${from}>`)];
  for (const rcpt of to) replies.push(await dialog.send(`RCPT TO:<${rcpt}>`));
  return replies;
}
