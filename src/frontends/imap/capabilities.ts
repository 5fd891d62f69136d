// What the server announces (CAPABILITY, the greeting): STARTTLS and AUTH= only before login,
// LOGINDISABLED where a password may not travel in clear.

const ALWAYS = ['IMAP4rev1', 'LITERAL+', 'SASL-IR', 'ID', 'ENABLE', 'IDLE', 'NAMESPACE', 'UNSELECT', 'UIDPLUS', 'MOVE', 'CHILDREN', 'SPECIAL-USE'];

export function capabilities(opts: { authenticated: boolean; canStartTls: boolean; cleartextAllowed: boolean }): string {
  const caps = [...ALWAYS];
  if (!opts.authenticated) {
    if (opts.canStartTls) caps.push('STARTTLS');
    if (opts.cleartextAllowed) caps.push('AUTH=PLAIN', 'AUTH=LOGIN');
    else caps.push('LOGINDISABLED');
  }
  return caps.join(' ');
}
