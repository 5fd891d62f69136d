// The pino logger as smtp-server wants it (bunyan style), with credentials kept out: the
// library already hides AUTH arguments, and this scrubs any AUTH line that still gets through.
import { format } from 'node:util';
import type { Logger } from 'pino';

const LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal'] as const;
type Level = (typeof LEVELS)[number];
export type LibraryLogger = Record<Level, (...args: unknown[]) => void>;

const AUTH_LINE = /^(\s*AUTH\s+\S+)\s+\S.*$/is;

/** "AUTH PLAIN dXNlcgB1c2VyAHB3" -> "AUTH PLAIN [redacted]"; anything else unchanged. */
export function redactAuth(value: unknown): unknown {
  return typeof value === 'string' ? value.replace(AUTH_LINE, '$1 [redacted]') : value;
}

export function libraryLogger(logger: Logger): LibraryLogger {
  const out = {} as LibraryLogger;
  for (const level of LEVELS) {
    out[level] = (...args: unknown[]) => {
      if (!logger.isLevelEnabled(level)) return;
      const fields = args[0] && typeof args[0] === 'object' ? (args.shift() as Record<string, unknown>) : {};
      const { password: _, ...kept } = fields;
      // bunyan formats like util.format (extra arguments appended); pino would drop them
      logger[level](kept, format(...args.map(redactAuth)));
    };
  }
  return out;
}
