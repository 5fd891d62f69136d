// What a message's event carries about its content, so views rarely need the blob:
// the IMAP envelope, the body structure with byte offsets, and the fields SEARCH/SORT/THREAD use.

/** One address as IMAP's ENVELOPE shows it. A group is opened by {mailbox: groupName, host: null}
 * and closed by {mailbox: null, host: null} (RFC 3501 section 7.4.2). An address without a
 * domain (or local part) has host (or mailbox) '' — never null, which would read as a group.
 * `name` is the raw display name (quotes removed, encoded-words kept), or the comment of
 * "addr (Name)"; `adl` is the obsolete source route, e.g. "@a.example,@b.example". */
export type EnvelopeAddress = Readonly<{
  name: string | null;
  adl: string | null;
  mailbox: string | null;
  host: string | null;
}>;

/** Values are the raw header text (unfolded, encoded-words kept), as IMAP sends them. The first
 * occurrence of a field counts; a field present but empty is '' (an empty address list is null). */
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
  /** Content-Type parameters in order; names lowercase, values decoded from RFC 2231 where split.
   * text/* without a charset gets ["charset", "us-ascii"] appended, as IMAP servers show it. */
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
  /** where its body starts (just after the blank line ending the header). Without a blank line
   * (header cut by a delimiter or the end of the message) the body is empty and starts where the
   * header ends; a delimiter right after the blank line takes that line's ending (as in Dovecot). */
  bodyStart: number;
  /** where its body ends (exclusive) */
  bodyEnd: number;
  /** body size in octets (bodyEnd - bodyStart) */
  size: number;
  /** line feeds in the body (Dovecot's count): a last line without its own line ending, as
   * before a delimiter, is not counted. Counted for every entity; IMAP shows it for text/* and
   * message/rfc822. */
  lines: number;
  /** multipart/*: the child entities. Empty when there is no boundary, it never occurs, or the
   * nesting limit is reached; IMAP then shows one empty text/plain part, as Dovecot does. */
  parts?: readonly BodyPart[];
  /** message/rfc822 and message/global: the enclosed message's envelope and top-level entity.
   * Absent when the enclosed message is base64/quoted-printable encoded or past the nesting
   * limit; IMAP then shows the part as a basic body. */
  message?: Readonly<{ envelope: Envelope; body: BodyPart }>;
}>;

export type MessageSummary = Readonly<{
  envelope: Envelope;
  body: BodyPart;
  /** total size in octets, as stored (a bare-LF message is counted as it is) */
  size: number;
  /** size of the top-level header including the blank line */
  headerSize: number;
  /** decoded values used by SEARCH and SORT; "" when the field is absent */
  subject: string;
  /** "Display Name <addr>" lists, decoded, joined with ", "; a group reads "Name: a, b;" */
  from: string;
  to: string;
  cc: string;
  /** Date: header as an ISO 8601 UTC instant ("2003-07-01T08:52:37.000Z"), or null when
   * missing or unparseable; obsolete forms (two-digit years, zone names) are read */
  sentDate: string | null;
  /** the first "<msg-id>" of the field (the raw value when it has none) */
  messageId: string | null;
  /** the first "<msg-id>" of In-Reply-To; null when it holds none */
  inReplyTo: string | null;
  /** the "<msg-id>"s of References, in order */
  references: readonly string[];
}>;
