// ENVELOPE and BODY/BODYSTRUCTURE (RFC 3501 section 7.4.2) from a message's summary: no byte of
// the message is read to write them.
import type { BodyPart, Envelope, EnvelopeAddress } from '../../../domain/message/summary.ts';
import { nstring, parenthesised, str } from './strings.ts';

const EMPTY_ENVELOPE: Envelope = {
  date: null, subject: null, from: null, sender: null, replyTo: null,
  to: null, cc: null, bcc: null, inReplyTo: null, messageId: null,
};

function address(a: EnvelopeAddress): string {
  return parenthesised([nstring(a.name), nstring(a.adl), nstring(a.mailbox), nstring(a.host)]);
}

function addresses(list: readonly EnvelopeAddress[] | null): string {
  return list === null || list.length === 0 ? 'NIL' : `(${list.map(address).join('')})`;
}

export function envelope(e: Envelope): string {
  return parenthesised([
    nstring(e.date),
    nstring(e.subject),
    addresses(e.from),
    addresses(e.sender),
    addresses(e.replyTo),
    addresses(e.to),
    addresses(e.cc),
    addresses(e.bcc),
    nstring(e.inReplyTo),
    nstring(e.messageId),
  ]);
}

function params(list: readonly (readonly [string, string])[]): string {
  return list.length === 0 ? 'NIL' : parenthesised(list.flatMap(([name, value]) => [str(name), str(value)]));
}

function disposition(part: BodyPart): string {
  return part.disposition === null ? 'NIL' : parenthesised([str(part.disposition.type), params(part.disposition.params)]);
}

function language(part: BodyPart): string {
  const l = part.language;
  // Always a list, even of one, as Dovecot writes it: every client parser takes that form.
  return l === null || l.length === 0 ? 'NIL' : parenthesised(l.map(str));
}

/**
 * BODYSTRUCTURE (`extended`) or BODY. A multipart lists its parts then its subtype, and with
 * extension data its parameters, disposition, language and location; any other part has the
 * basic fields, then lines for text, envelope + body + lines for message/rfc822, and with
 * extension data MD5, disposition, language and location.
 */
export function bodyStructure(part: BodyPart, extended: boolean): string {
  if (part.type === 'multipart') {
    const children = part.parts ?? [];
    // A multipart without parts (no boundary, or past the depth limit) still needs one body.
    const bodies = children.length ? children.map((c) => bodyStructure(c, extended)).join('') : emptyText(extended);
    const ext = extended ? ` ${params(part.params)} ${disposition(part)} ${language(part)} ${nstring(part.location)}` : '';
    return `(${bodies} ${str(part.subtype)}${ext})`;
  }
  const fields = [
    str(part.type),
    str(part.subtype),
    params(part.params),
    nstring(part.id),
    nstring(part.description),
    str(part.encoding),
    String(part.size),
  ];
  if (part.type === 'message' && (part.subtype === 'rfc822' || part.message !== undefined)) {
    // The grammar wants an envelope and a body for message/rfc822 even when it was not opened
    // (an encoded one): then both are empty, as Dovecot sends them.
    const inner = part.message ?? { envelope: EMPTY_ENVELOPE, body: null };
    const body = inner.body === null ? emptyText(extended) : bodyStructure(inner.body, extended);
    fields.push(envelope(inner.envelope), body, String(part.lines));
  } else if (part.type === 'text') {
    fields.push(String(part.lines));
  }
  if (extended) fields.push(nstring(part.md5), disposition(part), language(part), nstring(part.location));
  return parenthesised(fields);
}

function emptyText(extended: boolean): string {
  return `("text" "plain" ("charset" "us-ascii") NIL NIL "7bit" 0 0${extended ? ' NIL NIL NIL NIL' : ''})`;
}
