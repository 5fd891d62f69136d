// smtp-server with our enhanced status codes: a reply text that starts with one ("5.7.1 relay
// access denied") is sent as is, instead of getting the library's guess from the reply code
// (which would answer 554 with 5.6.0 and 552 with 5.2.2).
import { SMTPServer, type SMTPServerOptions } from 'smtp-server';
import type net from 'node:net';
import type tls from 'node:tls';

const ENHANCED = /^[245]\.\d{1,3}\.\d{1,3} /;

type Send = (code: number, data?: string | string[] | null, context?: string | false) => void;

export class PostlogSmtpServer extends SMTPServer {
  constructor(options: SMTPServerOptions) {
    super(options);
  }

  override connect(socket: net.Socket | tls.TLSSocket, socketOptions?: Parameters<SMTPServer['connect']>[1]): void {
    super.connect(socket, socketOptions);
    const connection = [...this.connections].at(-1);
    if (!connection) return;
    const send: Send = connection.send.bind(connection);
    connection.send = (code, data, context) =>
      send(code, data, typeof data === 'string' && ENHANCED.test(data) && data[0] === String(code)[0] ? false : context);
  }
}
