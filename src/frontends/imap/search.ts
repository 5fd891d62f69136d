// SEARCH evaluation (RFC 3501 6.4.4): flags, sizes, dates and the common headers come from the
// mailbox view; other headers, BODY and TEXT read the message and match decoded text (transfer
// encodings and charsets undone by mailparser), case-insensitively.
import { simpleParser } from 'mailparser';
import { hasFlag } from '../../domain/mailbox/flags.ts';
import { decodeEncodedWords } from '../../domain/message/encoded-words.ts';
import { formatAddresses } from '../../domain/message/envelope.ts';
import type { MessageRecord } from '../../projections/mailbox-view.ts';
import type { BlobStore } from '../../store/blob-store.ts';
import { bad } from './protocol/args.ts';
import { dayOf } from './protocol/dates.ts';
import type { SearchKey } from './protocol/search-keys.ts';
import { resolveSequenceNumbers, resolveUids } from './protocol/sequence.ts';
import type { MessageSource } from './targets.ts';

/**
 * One message as SEARCH sees it: flags as the session knows them (current, from the change feed),
 * and the view's record read only when a key needs more than flags and numbers.
 */
export type Candidate = Readonly<{ seq: number; uid: number; flags: readonly string[]; recent: boolean; message: Pick<MessageSource, 'record'> }>;

type Content = { headers: Map<string, string[]>; headerText: string; body: string };

export class Searcher {
  private readonly sets = new Map<SearchKey, Set<number>>();
  private readonly content = new Map<number, Promise<Content>>();

  constructor(
    private readonly blobs: BlobStore,
    /** every UID of the mailbox as the client knows it, in sequence order */
    private readonly uids: readonly number[],
  ) {}

  async matches(key: SearchKey, m: Candidate): Promise<boolean> {
    switch (key.op) {
      case 'all':
        return true;
      case 'flag':
        return hasFlag(m.flags, key.flag) === key.set;
      case 'recent':
        return m.recent === key.set;
      case 'size':
        return key.cmp === 'larger' ? m.message.record().size > key.octets : m.message.record().size < key.octets;
      case 'date': {
        const record = m.message.record();
        const { sentDate } = record.summary;
        const day = dayOf(key.of === 'sent' && sentDate ? sentDate : record.internalDate);
        return key.cmp === 'before' ? day < key.day : key.cmp === 'on' ? day === key.day : day >= key.day;
      }
      case 'seq':
      case 'uid':
        return this.setOf(key).has(key.op === 'seq' ? m.seq : m.uid);
      case 'not':
        return !(await this.matches(key.key, m));
      case 'or':
        return (await this.matches(key.a, m)) || (await this.matches(key.b, m));
      case 'and':
        for (const k of key.keys) if (!(await this.matches(k, m))) return false;
        return true;
      case 'header':
        return this.header(m.message.record(), key.field, key.value);
      case 'body':
        return contains((await this.read(m.message.record())).body, key.value);
      case 'text': {
        const c = await this.read(m.message.record());
        return contains(c.headerText, key.value) || contains(c.body, key.value);
      }
    }
  }

  private setOf(key: Extract<SearchKey, { op: 'seq' | 'uid' }>): Set<number> {
    let set = this.sets.get(key);
    if (!set) {
      if (key.op === 'uid') set = new Set(resolveUids(key.set, [...this.uids].sort((a, b) => a - b)));
      else {
        const seqs = resolveSequenceNumbers(key.set, this.uids.length);
        if (seqs === null) bad('Invalid message sequence number');
        set = new Set(seqs);
      }
      this.sets.set(key, set);
    }
    return set;
  }

  private async header(record: MessageRecord, field: string, value: string): Promise<boolean> {
    const s = record.summary;
    const known: Record<string, string | undefined> = { subject: s.subject, from: s.from, to: s.to, cc: s.cc };
    if (field === 'bcc') known.bcc = formatAddresses(s.envelope.bcc);
    if (value !== '' && known[field] !== undefined) return contains(known[field], value);
    const values = (await this.read(record)).headers.get(field);
    if (values === undefined) return false;
    return value === '' || values.some((v) => contains(v, value));
  }

  /** The message's header fields and decoded body text, read once per SEARCH. */
  private read(record: MessageRecord): Promise<Content> {
    let content = this.content.get(record.uid);
    if (!content) {
      content = readContent(this.blobs, record);
      this.content.set(record.uid, content);
    }
    return content;
  }
}

async function readContent(blobs: BlobStore, record: MessageRecord): Promise<Content> {
  const header = await blobs.getRange(record.blobId, 0, record.summary.body.bodyStart);
  const headers = new Map<string, string[]>();
  const unfolded = header.toString('utf8').replace(/\r?\n(?=[ \t])/g, '');
  for (const line of unfolded.split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const name = line.slice(0, colon).trim().toLowerCase();
    const list = headers.get(name) ?? [];
    list.push(decodeEncodedWords(line.slice(colon + 1).trim()));
    headers.set(name, list);
  }
  const parsed = await simpleParser(blobs.get(record.blobId), { skipImageLinks: true, skipTextToHtml: true, skipTextLinks: true });
  const html = typeof parsed.html === 'string' ? parsed.html.replace(/<[^>]*>/g, ' ') : '';
  const headerText = [...headers].map(([name, values]) => values.map((v) => `${name}: ${v}`).join('\n')).join('\n');
  return { headers, headerText, body: `${parsed.text ?? ''}\n${html}` };
}

function contains(haystack: string, needle: string): boolean {
  return haystack.normalize('NFC').toLowerCase().includes(needle.normalize('NFC').toLowerCase());
}
