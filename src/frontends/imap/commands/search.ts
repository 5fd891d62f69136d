// SEARCH and UID SEARCH (RFC 3501 6.4.4, 6.4.8): CHARSET UTF-8 and US-ASCII, else [BADCHARSET].
import { command } from '../command.ts';
import { ImapError } from '../errors.ts';
import { parseSearch } from '../protocol/search-keys.ts';
import { Searcher } from '../search.ts';
import { MessageSource, Vanished } from '../targets.ts';

const CHARSETS = new Set(['UTF-8', 'US-ASCII']);

function searching(byUid: boolean) {
  return command({
    states: ['selected'],
    holdsExpunges: !byUid,
    parse: (args) => parseSearch(args),
    async run(ctx, state, { charset, key }) {
      if (charset !== null && !CHARSETS.has(charset.toUpperCase())) throw new ImapError('BadCharset');
      const { mailbox } = state;
      const { mailboxes } = ctx.runtime;
      // Flags are current once the change feed is read: a search by flags reads no record.
      mailbox.poll();
      const uids = mailbox.allUids();
      const searcher = new Searcher(ctx.runtime.storage.blobs, uids);
      const found: number[] = [];
      for (let i = 0; i < uids.length; i++) {
        const uid = uids[i]!;
        if (mailbox.isExpunged(uid)) continue;
        const candidate = { seq: i + 1, uid, flags: mailbox.flagsOf(uid), recent: mailbox.isRecent(uid), message: new MessageSource(mailboxes, mailbox.mailboxId, uid) };
        try {
          if (await searcher.matches(key, candidate)) found.push(byUid ? uid : i + 1);
        } catch (error) {
          // Expunged while the search ran: in no result.
          if (!(error instanceof Vanished)) throw error;
        }
      }
      await ctx.untagged(['SEARCH', ...found].join(' '));
      return {};
    },
  });
}

export const search = searching(false);
export const uidSearch = searching(true);
