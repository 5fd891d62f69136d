// The trace header fields we add in front of a message (RFC 5321 section 4.4): Return-Path with
// the envelope sender, then Received naming the client, us, the protocol and the transaction.
import { plainAddress } from '../directory/networks.ts';

export type Trace = Readonly<{
  mailFrom: string;
  /** what the client said in EHLO/HELO */
  helo: string;
  clientAddress: string;
  hostname: string;
  secure: boolean;
  authenticated: boolean;
  smtpUtf8: boolean;
  transactionId: string;
  /** named only when the message has a single recipient, so a copy does not reveal the others */
  recipient?: string;
  tls?: Readonly<{ protocol: string; cipher: string }>;
  date: Date;
}>;

/** RFC 3848 / RFC 6531 "with" protocol names: ESMTP, ESMTPSA, UTF8SMTPS ... */
export function withProtocol(t: Pick<Trace, 'secure' | 'authenticated' | 'smtpUtf8'>): string {
  return `${t.smtpUtf8 ? 'UTF8SMTP' : 'ESMTP'}${t.secure ? 'S' : ''}${t.authenticated ? 'A' : ''}`;
}

/** RFC 5322 date-time in UTC: "Tue, 19 May 2026 10:00:00 +0000". */
export function rfc5322Date(date: Date): string {
  return date.toUTCString().replace(/GMT$/, '+0000');
}

/** Client-chosen text reduced to what a hostname or address literal may hold. */
const tame = (s: string) => s.replace(/[^A-Za-z0-9.\-:[\]_]/g, '?').slice(0, 255) || 'unknown';

function addressLiteral(address: string): string {
  const plain = plainAddress(address);
  return plain.includes(':') ? `[IPv6:${plain}]` : `[${plain}]`;
}

/** Return-Path and Received, each CRLF-terminated: the relay sends a message without the first. */
export function traceHeaders(t: Trace): { returnPath: string; received: string } {
  const tls = t.tls ? `\r\n\t(using ${tame(t.tls.protocol)} with cipher ${tame(t.tls.cipher)})` : '';
  const rcpt = t.recipient ? `\r\n\tfor <${t.recipient}>` : '';
  return {
    returnPath: `Return-Path: <${t.mailFrom}>\r\n`,
    received:
      `Received: from ${tame(t.helo)} (${addressLiteral(t.clientAddress)})${tls}\r\n` +
      `\tby ${tame(t.hostname)} (postlog) with ${withProtocol(t)} id ${tame(t.transactionId)}${rcpt};\r\n` +
      `\t${rfc5322Date(t.date)}\r\n`,
  };
}
