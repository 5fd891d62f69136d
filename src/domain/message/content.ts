// What an entity's own header says about its content (RFC 2045, 2183, 3282, 2557), with the
// defaults IMAP BODYSTRUCTURE shows when it says nothing.
import type { HeaderFields } from './header.ts';
import { leadingToken, parseLanguageList, parseMediaType, parseTrailingParams, type Param } from './params.ts';
import type { BodyPart } from './summary.ts';

/** Where an entity sits decides its defaults: below multipart/digest it is message/rfc822. */
export type PartContext = 'top' | 'part' | 'digest' | 'message';

export type ContentFields = Pick<
  BodyPart,
  'type' | 'subtype' | 'params' | 'id' | 'description' | 'encoding' | 'md5' | 'disposition' | 'language' | 'location'
>;

export type Content = Readonly<{ fields: ContentFields; boundary: string | null }>;

export const CONTENT_HEADERS: ReadonlySet<string> = new Set([
  'mime-version',
  'content-type',
  'content-transfer-encoding',
  'content-id',
  'content-description',
  'content-md5',
  'content-disposition',
  'content-language',
  'content-location',
]);

const US_ASCII: Param = ['charset', 'us-ascii'];

export function readContent(header: HeaderFields, context: PartContext): Content {
  // Outside a multipart, Content-* fields count only in a MIME message (MIME-Version, or at
  // least a Content-Type, which buggy senders send alone); otherwise they are ignored, as Dovecot does.
  const isMime = context === 'part' || context === 'digest' || header.has('mime-version') || header.has('content-type');
  const field = (name: string): string | undefined => (isMime ? header.get(name) : undefined);

  const media = parseMediaType(field('content-type') ?? '');
  let type = context === 'digest' ? 'message' : 'text';
  let subtype = context === 'digest' ? 'rfc822' : 'plain';
  let params: readonly Param[] = [];
  if (media !== null && media.subtype !== null) {
    type = media.type;
    subtype = media.subtype;
    params = media.params;
  } else if (media?.type === 'text') {
    // RFC 1049 style "Content-Type: text; charset=..." still names a charset worth keeping.
    type = 'text';
    subtype = 'plain';
    params = media.params;
  }
  // Text without a charset is us-ascii (RFC 2045 section 5.2); IMAP shows it explicitly.
  if (type === 'text' && !params.some(([name]) => name === 'charset')) params = [...params, US_ASCII];

  const dispositionValue = field('content-disposition');
  const dispositionType = dispositionValue === undefined ? null : leadingToken(dispositionValue);
  const boundary = type === 'multipart' ? (params.find(([name]) => name === 'boundary')?.[1] ?? '') : '';
  return {
    fields: {
      type,
      subtype,
      params,
      id: nonEmpty(field('content-id')),
      description: nonEmpty(field('content-description')),
      encoding: leadingToken(field('content-transfer-encoding') ?? '') ?? '7bit',
      md5: nonEmpty(field('content-md5')),
      disposition:
        dispositionType === null || dispositionValue === undefined
          ? null
          : { type: dispositionType, params: parseTrailingParams(dispositionValue) },
      language: parseLanguageList(field('content-language') ?? ''),
      location: nonEmpty(field('content-location')),
    },
    boundary: boundary === '' ? null : boundary,
  };
}

function nonEmpty(value: string | undefined): string | null {
  return value === undefined || value === '' ? null : value;
}
