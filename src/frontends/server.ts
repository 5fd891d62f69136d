// What a protocol front-end gives the server: its listeners and a way to stop them.
import type { Logger } from 'pino';
import type { Config, ServiceName } from './config.ts';
import type { Runtime } from './runtime.ts';
import type { TlsMaterial } from './tls.ts';

export type Listener = Readonly<{
  service: ServiceName;
  host: string;
  port: number;
  security: 'implicit TLS' | 'STARTTLS' | 'plain';
}>;

export type ServerContext = Readonly<{ runtime: Runtime; config: Config; tls: TlsMaterial; logger: Logger }>;

export type Started = Readonly<{ listeners: readonly Listener[]; close(): Promise<void> }>;

export interface FrontEnd {
  readonly name: string;
  start(context: ServerContext): Promise<Started>;
}

/** Every front-end the server starts, in start order. Each protocol registers itself here. */
export const FRONT_ENDS: FrontEnd[] = [];
