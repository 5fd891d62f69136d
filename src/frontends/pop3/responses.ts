// POP3 responses as exact bytes: status lines, multi-line responses with dot-stuffing, SASL
// challenges. Every line ends in CRLF; texts can never smuggle in a line break.

export const CRLF = '\r\n';
export const TERMINATOR = Buffer.from('.\r\n', 'latin1');

/** RFC 2449 / RFC 3206 extended response codes. */
export type ResponseCode = 'AUTH' | 'SYS/TEMP' | 'SYS/PERM' | 'IN-USE' | 'LOGIN-DELAY';

const oneLine = (text: string) => text.replace(/[\r\n]+/g, ' ');

export function ok(text = ''): string {
  return text ? `+OK ${oneLine(text)}${CRLF}` : `+OK${CRLF}`;
}

export function err(text: string, code?: ResponseCode): string {
  return `-ERR ${code ? `[${code}] ` : ''}${oneLine(text)}${CRLF}`;
}

/** A line of a multi-line response, dot-stuffed. */
export function dataLine(line: string): string {
  return (line.startsWith('.') ? '.' : '') + oneLine(line) + CRLF;
}

/** "+OK first", the lines, then the terminating ".". */
export function multiline(first: string, lines: Iterable<string>): string {
  let out = ok(first);
  for (const line of lines) out += dataLine(line);
  return out + '.' + CRLF;
}

/** RFC 5034 continuation: "+ " and a base64 challenge (possibly empty). */
export function challenge(base64 = ''): string {
  return `+ ${base64}${CRLF}`;
}
