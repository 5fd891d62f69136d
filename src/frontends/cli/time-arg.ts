// Points in time as an admin types them: ISO 8601, or "YYYY-MM-DD HH:MM" read as UTC.
import { DomainError } from '../../domain/decider.ts';

const ZONED = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})$/i;
const UNZONED = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(\.\d{1,3})?)?)?$/;

/**
 * Parses a time given on the command line into an ISO 8601 UTC instant (as event `meta.at`
 * holds it). A time without a zone is UTC, never the machine's local zone, so the same command
 * means the same moment on every server; a date alone is its first instant.
 */
export function parseTime(value: string, option = 'time'): string {
  const text = value.trim();
  let ms = Number.NaN;
  if (ZONED.test(text)) ms = Date.parse(text.toUpperCase());
  else {
    const m = UNZONED.exec(text);
    if (m) {
      const [, y, mo, d, h = '00', mi = '00', s = '00', frac = ''] = m;
      ms = Date.parse(`${y}-${mo}-${d}T${h}:${mi}:${s}${frac}Z`);
      // Date.parse rolls 2026-02-30 over to March: refuse dates that do not exist.
      if (!Number.isNaN(ms) && new Date(ms).toISOString().slice(0, 10) !== `${y}-${mo}-${d}`) ms = Number.NaN;
    }
  }
  if (Number.isNaN(ms)) {
    throw new DomainError(
      'InvalidArgument',
      `${option}: cannot read "${value}" as a time; use ISO 8601 (2026-05-19T14:30:00Z, 2026-05-19T16:30+02:00) or "YYYY-MM-DD HH:MM" (UTC)`,
    );
  }
  return new Date(ms).toISOString();
}
