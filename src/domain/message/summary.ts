// What a message's event carries about its content, so views rarely need the blob:
// the IMAP envelope, the body structure with byte offsets, and the fields SEARCH/SORT/THREAD use.

/** One address as IMAP's ENVELOPE shows it. A group is opened by {mailbox: groupName, host: null}
 * and closed by {mailbox: null, host: null} (RFC 3501 section 7.4.2). */
export type EnvelopeAddress = Readonly<{
  name: string | null;
  adl: string | null;
  mailbox: string | null;
  host: string | null;
}>;

/** Values are the raw header text (unfolded, encoded-words kept), as IMAP sends them. */
export type Envelope = Readonly<{
  date: string | null;
  subject: string | null;
  from: readonly EnvelopeAddress[] | null;
  sender: readonly EnvelopeAddress[] | null;
  replyTo: readonly EnvelopeAddress[] | null;
  to: readonly EnvelopeAddress[] | null;
  cc: readonly EnvelopeAddress[] | null;
  bcc: readonly EnvelopeAddress[] | null;
  inReplyTo: string | null;
  messageId: string | null;
}>;

export type Disposition = Readonly<{ type: string; params: readonly (readonly [string, string])[] }>;

/** One MIME entity. Offsets are byte offsets into the whole raw message. */
export type BodyPart = Readonly<{
  /** lowercase, e.g. "text" */
  type: string;
  /** lowercase, e.g. "plain" */
  subtype: string;
  /** Content-Type parameters in order; names lowercase, values decoded from RFC 2231 where split */
  params: readonly (readonly [string, string])[];
  id: string | null;
  description: string | null;
  /** Content-Transfer-Encoding, lowercase; "7bit" when absent */
  encoding: string;
  md5: string | null;
  disposition: Disposition | null;
  language: readonly string[] | null;
  location: string | null;
  /** where this entity's header starts */
  headerStart: number;
  /** where its body starts (just after the blank line ending the header) */
  bodyStart: number;
  /** where its body ends (exclusive) */
  bodyEnd: number;
  /** body size in octets (bodyEnd - bodyStart) */
  size: number;
  /** lines in the body, for text/* and message/rfc822 */
  lines: number;
  /** multipart/*: the child entities */
  parts?: readonly BodyPart[];
  /** message/rfc822: the enclosed message's envelope and top-level entity */
  message?: Readonly<{ envelope: Envelope; body: BodyPart }>;
}>;

export type MessageSummary = Readonly<{
  envelope: Envelope;
  body: BodyPart;
  /** total size in octets */
  size: number;
  /** size of the top-level header including the blank line */
  headerSize: number;
  /** decoded values used by SEARCH and SORT */
  subject: string;
  /** "Display Name <addr>" lists, decoded */
  from: string;
  to: string;
  cc: string;
  /** Date: header as ISO 8601, or null when missing or unparseable */
  sentDate: string | null;
  messageId: string | null;
  inReplyTo: string | null;
  references: readonly string[];
}>;
