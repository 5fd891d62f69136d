// RFC 5322 address lists (section 3.4, obsolete forms of 4.4 tolerated) as IMAP ENVELOPE
// addresses (RFC 3501 section 7.4.2): names stay raw, encoded-words and all.
import type { EnvelopeAddress } from './summary.ts';
import { ADDRESS_SYNTAX, tokenize, type Token } from './tokens.ts';

const GROUP_END: EnvelopeAddress = { name: null, adl: null, mailbox: null, host: null };

function isSpecial(t: Token | undefined, c: string): boolean {
  return t?.kind === 'special' && t.text === c;
}

/**
 * Parses an address list. A group becomes {mailbox: name, host: null}, its members, then
 * an all-null end marker. A missing local part or domain is '' (never null: a null host
 * would read as a group marker). Broken input yields what could be understood, not an error.
 */
export function parseAddressList(value: string): EnvelopeAddress[] {
  const tokens = tokenize(value, ADDRESS_SYNTAX);
  const out: EnvelopeAddress[] = [];
  let inGroup = false;
  let i = 0;
  while (i < tokens.length) {
    const t = tokens[i];
    if (isSpecial(t, ',') || t?.kind === 'comment') {
      i++;
    } else if (isSpecial(t, ';')) {
      if (inGroup) out.push(GROUP_END);
      inGroup = false;
      i++;
    } else {
      const colon = inGroup ? -1 : groupColon(tokens, i);
      if (colon >= 0) {
        out.push({ name: null, adl: null, mailbox: phrase(tokens.slice(i, colon)) ?? '', host: null });
        inGroup = true;
        i = colon + 1;
      } else {
        const end = mailboxEnd(tokens, i);
        const mailbox = parseMailbox(tokens.slice(i, end));
        if (mailbox !== null) out.push(mailbox);
        i = end;
      }
    }
  }
  // An unterminated group ("undisclosed-recipients:") still ends.
  if (inGroup) out.push(GROUP_END);
  return out;
}

/** The ':' opening a group: it must come before anything that belongs to a mailbox. */
function groupColon(tokens: readonly Token[], from: number): number {
  for (let i = from; i < tokens.length; i++) {
    const t = tokens[i] as Token;
    if (t.kind !== 'special') continue;
    return t.text === ':' ? i : -1;
  }
  return -1;
}

/** Where the mailbox starting at `from` ends: the next ',' or ';' outside its angle brackets. */
function mailboxEnd(tokens: readonly Token[], from: number): number {
  let inAngle = false;
  for (let i = from; i < tokens.length; i++) {
    const t = tokens[i];
    if (isSpecial(t, '<')) inAngle = true;
    else if (isSpecial(t, '>')) inAngle = false;
    else if (isSpecial(t, ';')) return i;
    // Inside <...> a comma only continues an obsolete route ("<@a,@b:user@c>").
    else if (isSpecial(t, ',') && !(inAngle && isSpecial(tokens[i + 1], '@'))) return i;
  }
  return tokens.length;
}

function parseMailbox(tokens: readonly Token[]): EnvelopeAddress | null {
  const open = tokens.findIndex((t) => isSpecial(t, '<'));
  if (open >= 0) {
    const close = tokens.findIndex((t, k) => k > open && isSpecial(t, '>'));
    let inner = tokens.slice(open + 1, close < 0 ? tokens.length : close).filter((t) => t.kind !== 'comment');
    let adl: string | null = null;
    const routeEnd = inner.findIndex((t) => isSpecial(t, ':'));
    if (isSpecial(inner[0], '@') && routeEnd > 0) {
      adl = inner.slice(0, routeEnd).map((t) => t.text).join('');
      inner = inner.slice(routeEnd + 1);
    }
    return { name: phrase(tokens.slice(0, open)), adl, ...addrSpec(inner) };
  }
  const words = tokens.filter((t) => t.kind !== 'comment');
  // "user@host (Name)": the comment is the only name there is, as Dovecot and c-client read it.
  const comment = tokens.find((t) => t.kind === 'comment' && t.text.trim() !== '');
  const name = comment === undefined ? null : comment.text.replace(/\s+/g, ' ').trim();
  if (words.length === 0 && name === null) return null;
  return { name, adl: null, ...addrSpec(words) };
}

function addrSpec(tokens: readonly Token[]): { mailbox: string; host: string } {
  let at = -1;
  tokens.forEach((t, k) => {
    if (isSpecial(t, '@')) at = k;
  });
  if (at < 0) return { mailbox: localPart(tokens), host: '' };
  return {
    mailbox: localPart(tokens.slice(0, at)),
    host: tokens
      .slice(at + 1)
      .map((t) => t.text)
      .join(''),
  };
}

/** obs-local-part allows "john . doe"; words that were apart stay apart, dots glue. */
function localPart(tokens: readonly Token[]): string {
  // Pieces joined once at the end: testing a growing string would flatten it on every token.
  const pieces: string[] = [];
  let previous = '';
  for (const t of tokens) {
    const glue = previous === '' || !t.spaced || previous.endsWith('.') || t.text.startsWith('.');
    pieces.push(glue ? t.text : ` ${t.text}`);
    if (t.text !== '') previous = t.text;
  }
  return pieces.join('');
}

/**
 * A display name as written: words and quoted strings one space apart, anything else
 * glued where it was glued ("foo@bar.com <foo@bar.com>" keeps its name). Null when empty.
 */
function phrase(tokens: readonly Token[]): string | null {
  const pieces: string[] = [];
  let started = false;
  let previousWasWord = false;
  for (const t of tokens) {
    if (t.kind === 'comment' || t.text === '') continue;
    const isWord = t.kind === 'word' || t.kind === 'quoted';
    const space = started && (t.spaced || (isWord && previousWasWord));
    pieces.push(space ? ` ${t.text}` : t.text);
    started = true;
    previousWasWord = isWord;
  }
  const out = pieces.join('');
  return out === '' ? null : out;
}
