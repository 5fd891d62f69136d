// smtp-server with our enhanced status codes: a reply text that starts with one ("5.7.1 relay
// access denied") is sent as is, instead of getting the library's guess from the reply code
// (which would answer 554 with 5.6.0 and 552 with 5.2.2).
import { SMTPServer, type SMTPServerOptions } from 'smtp-server';
import { SMTPConnection } from 'smtp-server/lib/smtp-connection.js';
import type net from 'node:net';
import type tls from 'node:tls';
import { GreetingScreen } from './limits.ts';

const ENHANCED = /^[245]\.\d{1,3}\.\d{1,3} /;

type Send = (code: number, data?: string | string[] | null, context?: string | false) => void;

export class PostlogSmtpServer extends SMTPServer {
  constructor(
    options: SMTPServerOptions,
    /** how long the greeting waits for an early talker to give itself away, and for whom */
    private readonly screen = new GreetingScreen(100, 0),
  ) {
    super(options);
  }

  /**
   * The library's own connect, but for the pause before the greeting: the library holds every
   * greeting 100 ms to catch clients that talk first; here the screen says how long (0 greets at
   * once, as Postfix's smtpd does), and learns which clients waited quietly.
   */
  override connect(socket: net.Socket | tls.TLSSocket, socketOptions?: Parameters<SMTPServer['connect']>[1]): void {
    const connection = new SMTPConnection(this, socket, socketOptions);
    this.connections.add(connection);
    connection.on('error', (error: Error) => this._onError(error));
    connection.on('connect', (data) => this._onClientConnect(data));
    connection._setListeners(() => {
      const { maxClients } = this.options;
      if (maxClients && this.connections.size > maxClients) {
        connection.send(421, `${connection.name} Too many connected clients, try again in a moment`, false);
        return;
      }
      const pause = this.screen.pauseFor(connection.remoteAddress);
      if (pause === 0) return connection.connectionReady();
      setTimeout(() => {
        // A client that talked first has been told 421 and is closing by now.
        if (connection._closing || connection._closed) return;
        this.screen.passed(connection.remoteAddress);
        connection.connectionReady();
      }, pause).unref();
    });
    const send: Send = connection.send.bind(connection);
    connection.send = (code, data, context) =>
      send(code, data, typeof data === 'string' && ENHANCED.test(data) && data[0] === String(code)[0] ? false : context);
  }
}
