// SEARCH and UID SEARCH (RFC 3501 6.4.4, 6.4.8): CHARSET UTF-8 and US-ASCII, else [BADCHARSET].
import { command } from '../command.ts';
import { ImapError } from '../errors.ts';
import { parseSearch } from '../protocol/search-keys.ts';
import { Searcher } from '../search.ts';

const CHARSETS = new Set(['UTF-8', 'US-ASCII']);

function searching(byUid: boolean) {
  return command({
    states: ['selected'],
    holdsExpunges: !byUid,
    parse: (args) => parseSearch(args),
    async run(ctx, state, { charset, key }) {
      if (charset !== null && !CHARSETS.has(charset.toUpperCase())) throw new ImapError('BadCharset');
      const { mailbox } = state;
      const uids = mailbox.allUids();
      const searcher = new Searcher(ctx.runtime.storage.blobs, uids);
      const found: number[] = [];
      for (let i = 0; i < uids.length; i++) {
        const record = ctx.runtime.mailboxes.message(mailbox.mailboxId, uids[i]!);
        if (record && (await searcher.matches(key, { seq: i + 1, record, recent: mailbox.isRecent(record.uid) }))) found.push(byUid ? record.uid : i + 1);
      }
      await ctx.untagged(['SEARCH', ...found].join(' '));
      return {};
    },
  });
}

export const search = searching(false);
export const uidSearch = searching(true);
