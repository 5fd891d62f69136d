// The Date: header (RFC 5322 section 3.3, obsolete forms of 4.3 included) as an instant, for
// SEARCH SENTBEFORE/SENTSINCE and SORT DATE. Never Date.parse: its result depends on the host.

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];

// Offsets in minutes of the zone names RFC 5322 section 4.3 lists; other names mean -0000.
const ZONES: Readonly<Record<string, number>> = {
  ut: 0, utc: 0, gmt: 0, z: 0,
  est: -300, edt: -240, cst: -360, cdt: -300, mst: -420, mdt: -360, pst: -480, pdt: -420,
};

// day month year time [zone]: "24 Mar 2007 23:00:00 +0200", "24-Mar-07 23:00", "2 jan 2006 15:04:05.123 GMT"
const DAY_FIRST =
  /^(\d{1,2})[ -]?([a-z]{3})[a-z]*\.?[ -]?(\d{2,4}),? (\d{1,2}) ?: ?(\d{1,2})(?: ?: ?(\d{1,2})(?:\.\d+)?)?(?: (.*))?$/;
// asctime, left by some gateways: "Jan 2 15:04:05 2006" (the day name is already gone)
const MONTH_FIRST = /^([a-z]{3})[a-z]* (\d{1,2}) (\d{1,2}):(\d{1,2})(?::(\d{1,2}))? (\d{4})(?: (.*))?$/;

type Parts = { year: string; month: string; day: string; hour: string; minute: string; second: string; zone: string };

/** The Date: header value as an ISO 8601 UTC string, or null when it is not a date. */
export function parseMessageDate(value: string): string | null {
  const text = value
    .replace(/\([^()]*\)/g, ' ')
    .replace(/\s+/g, ' ')
    .trim()
    .toLowerCase()
    // The day name is optional and never checked against the date (RFC 5322 section 3.3).
    .replace(/^[a-z]+\.? ?, ?/, '')
    .replace(/^(mon|tue|wed|thu|fri|sat|sun)[a-z]* /, '');
  const parts = matchDayFirst(text) ?? matchMonthFirst(text);
  return parts === null ? null : toIso(parts);
}

function matchDayFirst(text: string): Parts | null {
  const m = DAY_FIRST.exec(text);
  if (m === null) return null;
  const [, day = '', month = '', year = '', hour = '', minute = '', second = '0', zone = ''] = m;
  return { year, month, day, hour, minute, second, zone };
}

function matchMonthFirst(text: string): Parts | null {
  const m = MONTH_FIRST.exec(text);
  if (m === null) return null;
  const [, month = '', day = '', hour = '', minute = '', second = '0', year = '', zone = ''] = m;
  return { year, month, day, hour, minute, second, zone };
}

function toIso(p: Parts): string | null {
  const month = MONTHS.indexOf(p.month);
  const year = fullYear(p.year);
  const day = Number(p.day);
  const hour = Number(p.hour);
  const minute = Number(p.minute);
  const second = Number(p.second);
  const offset = zoneOffset(p.zone);
  if (month < 0 || year < 1000 || hour > 23 || minute > 59 || second > 60) return null;
  if (day < 1 || day > daysInMonth(year, month)) return null;
  const ms = Date.UTC(year, month, day, hour, minute, second) - offset * 60_000;
  return new Date(ms).toISOString();
}

/** Two-digit years: 00-49 are 20xx, 50-99 are 19xx; three digits add 1900 (RFC 5322 section 4.3). */
function fullYear(text: string): number {
  const year = Number(text);
  if (text.length === 2) return year < 50 ? 2000 + year : 1900 + year;
  if (text.length === 3) return 1900 + year;
  return year;
}

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
}

/**
 * Minutes east of UTC. A missing, unknown or malformed zone counts as -0000 (RFC 5322 section
 * 4.3 says so for unknown names): the date and time alone still sort the message sensibly.
 */
function zoneOffset(zone: string): number {
  const word = zone.split(' ')[0] ?? '';
  const numeric = /^(?:gmt|utc?)?([+-])(\d{2}):?(\d{2})$/.exec(word);
  if (numeric !== null) {
    const [, sign, hh = '0', mm = '0'] = numeric;
    const minutes = Number(hh) * 60 + Math.min(Number(mm), 59);
    return sign === '-' ? -minutes : minutes;
  }
  return ZONES[word] ?? 0;
}
