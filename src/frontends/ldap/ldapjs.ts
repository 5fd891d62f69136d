// The part of ldapjs 3 the front-end uses, typed here once: the published typings describe
// ldapjs 2, and the server's connection hook (`connectionRouter` / `newConnection`) is not in them.
import type { Socket } from 'node:net';
import ldapjs from 'ldapjs';

export interface ParsedDn {
  readonly length: number;
  rdnAt(index: number): { keys(): Iterable<string>; getValue(key: string): unknown };
  toString(): string;
}

/** What a connection looks like to ldapjs: the socket with its parser and bind state. */
export type LdapSocket = Socket & { parser?: { write(data: Buffer): void } };

export interface LdapFilter {
  readonly type: string;
  readonly attribute?: string;
  readonly value?: unknown;
  readonly clauses?: readonly LdapFilter[];
  readonly filter?: LdapFilter;
  readonly initial?: string;
  readonly any?: readonly string[];
  readonly final?: string;
}

type Request = { readonly messageId: number; readonly connection: LdapSocket };

/** ldapjs parses simple binds only: a SASL bind is answered protocolError before any handler. */
export type BindRequest = Request & { readonly name: ParsedDn | string; readonly credentials: string; readonly version: number };
export type SearchRequest = Request & {
  readonly baseObject: ParsedDn;
  readonly scope: number;
  readonly filter: LdapFilter;
  readonly attributes: readonly string[];
  readonly sizeLimit: number;
  readonly timeLimit: number;
  readonly typesOnly: boolean;
};
export type ExtendedRequest = Request & { readonly requestName: string; readonly requestValue?: unknown };
export type CompareRequest = Request & { readonly entry: ParsedDn | string; readonly attribute: string; readonly value: string };
export type AnyRequest = Request & Partial<BindRequest & SearchRequest & ExtendedRequest & CompareRequest>;

export interface LdapResponse {
  status: number;
  matchedDN: string;
  diagnosticMessage: string;
  responseName?: string;
  responseValue?: string;
  end(status?: number): void;
  toBer(): { buffer: Buffer };
}

export type Handler = (req: AnyRequest, res: LdapResponse, next: () => void) => void;

export interface LdapServer {
  /** hands a connected socket (plain or TLS) to ldapjs's parser and handler chains */
  newConnection(socket: Socket): void;
  bind(dn: string, handler: Handler): void;
  search(dn: string, handler: Handler): void;
  compare(dn: string, handler: Handler): void;
  add(dn: string, handler: Handler): void;
  modify(dn: string, handler: Handler): void;
  del(dn: string, handler: Handler): void;
  modifyDN(dn: string, handler: Handler): void;
  exop(oid: string, handler: Handler): void;
  on(event: 'error' | 'clientError', listener: (error: Error) => void): void;
}

export type LdapjsLog = Record<'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal', (...args: unknown[]) => void>;

/** An ldapjs server that listens nowhere itself: sockets come from our listeners. */
export function createLdapServer(log: LdapjsLog): LdapServer {
  return ldapjs.createServer({ log, connectionRouter: () => {} } as never) as unknown as LdapServer;
}

export function parseDn(dn: string): ParsedDn {
  return ldapjs.parseDN(dn) as unknown as ParsedDn;
}

/** ldapjs hands some DNs over parsed and some (bind name, compare entry) as the client's string. */
export function asDn(dn: ParsedDn | string): ParsedDn | undefined {
  if (typeof dn !== 'string') return dn;
  try {
    return parseDn(dn);
  } catch {
    return undefined;
  }
}

export const SCOPE = { base: 0, one: 1, sub: 2 } as const;
