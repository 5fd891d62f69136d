// smtp-server with our enhanced status codes: a reply text that starts with one ("5.7.1 relay
// access denied") is sent as is, instead of getting the library's guess from the reply code
// (which would answer 554 with 5.6.0 and 552 with 5.2.2). Also the library's connection
// handling, where it differs: the greeting pause, connection ids, and closing a finished socket.
import { SMTPServer, type SMTPServerOptions } from 'smtp-server';
import { SMTPConnection } from 'smtp-server/lib/smtp-connection.js';
import type net from 'node:net';
import type tls from 'node:tls';
import { connectionId } from '../ids.ts';
import { GreetingScreen } from './limits.ts';

const ENHANCED = /^[245]\.\d{1,3}\.\d{1,3} /;

type Send = (code: number, data?: string | string[] | null, context?: string | false) => void;
type HandleProxy = SMTPServer['_handleProxy'];

export class PostlogSmtpServer extends SMTPServer {
  constructor(
    options: SMTPServerOptions,
    /** how long the greeting waits for an early talker to give itself away, and for whom */
    private readonly screen = new GreetingScreen(100, 0),
  ) {
    super(options);
  }

  /**
   * The library's own, but a connection's id is drawn from our pool of random bytes: the library
   * asks the system's random source for each one (about 18 µs of the serving thread's CPU).
   */
  override _handleProxy(socket: net.Socket, callback: Parameters<HandleProxy>[1]): void {
    if (this._expectsProxyHeader(socket)) return super._handleProxy(socket, callback);
    const ignore = this.options.ignoredHosts?.includes(socket.remoteAddress ?? '') ?? false;
    setImmediate(() => callback(null, { id: connectionId(), ignore }));
  }

  /**
   * The library's own connect, but for the pause before the greeting: the library holds every
   * greeting 100 ms to catch clients that talk first; here the screen says how long (0 greets at
   * once, as Postfix's smtpd does), and learns which clients waited quietly; and the socket is
   * closed as soon as our side of the connection is (see below).
   */
  override connect(socket: net.Socket | tls.TLSSocket, socketOptions?: Parameters<SMTPServer['connect']>[1]): void {
    // Once our side of the connection is closed and flushed (after 221, 421, a timeout), the
    // socket goes, as Postfix's smtpd closes it: nothing the client sends after that is read, and
    // a client that resets the connection rather than close it raises no error here (Node formats
    // each such error's stack, about 40 µs).
    socket.once('finish', () => socket.destroy());
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
