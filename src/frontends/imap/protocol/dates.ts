// IMAP dates (RFC 3501 section 9): "date" in SEARCH ("1-Feb-1994") and "date-time" for APPEND
// and INTERNALDATE ("17-Jul-1996 02:44:25 -0700").

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

function month(name: string): number {
  return MONTHS.findIndex((m) => m.toLowerCase() === name.toLowerCase());
}

/** A SEARCH date as "YYYY-MM-DD" (days compare as strings), or null. */
export function parseSearchDate(text: string): string | null {
  const m = /^(\d{1,2})-([A-Za-z]{3})-(\d{4})$/.exec(text);
  if (!m) return null;
  const mon = month(m[2] as string);
  const day = Number(m[1]);
  if (mon < 0 || day < 1 || day > 31) return null;
  return `${m[3]}-${String(mon + 1).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

/** An APPEND date-time as ISO 8601 UTC, or null. */
export function parseDateTime(text: string): string | null {
  const m = /^ ?(\d{1,2})-([A-Za-z]{3})-(\d{4}) (\d{2}):(\d{2}):(\d{2}) ([+-])(\d{2})(\d{2})$/.exec(text);
  if (!m) return null;
  const [, d, mon, y, hh, mm, ss, sign, zh, zm] = m as unknown as string[];
  const monthIndex = month(mon as string);
  if (monthIndex < 0 || Number(hh) > 23 || Number(mm) > 59 || Number(ss) > 60 || Number(zm) > 59) return null;
  const utc = Date.UTC(Number(y), monthIndex, Number(d), Number(hh), Number(mm), Number(ss));
  // 31-Feb is not a date.
  if (new Date(utc).getUTCDate() !== Number(d)) return null;
  const offset = (sign === '-' ? -1 : 1) * (Number(zh) * 60 + Number(zm)) * 60_000;
  return new Date(utc - offset).toISOString();
}

/** INTERNALDATE as the client sees it: "17-Jul-1996 09:44:25 +0000". */
export function formatDateTime(iso: string): string {
  const d = new Date(iso);
  const two = (n: number) => String(n).padStart(2, '0');
  const day = String(d.getUTCDate()).padStart(2, ' ');
  return `${day}-${MONTHS[d.getUTCMonth()]}-${d.getUTCFullYear()} ${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())} +0000`;
}

/** The calendar day of an ISO instant, "YYYY-MM-DD" (UTC). */
export function dayOf(iso: string): string {
  return iso.slice(0, 10);
}
