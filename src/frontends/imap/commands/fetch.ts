// FETCH and UID FETCH (RFC 3501 6.4.5, 6.4.8). A body fetch without PEEK sets \Seen first (one
// write for all the messages), and those FETCH responses carry the new FLAGS.
import { hasFlag } from '../../../domain/mailbox/flags.ts';
import { command } from '../command.ts';
import { ImapError } from '../errors.ts';
import { fetchData } from '../fetch-data.ts';
import { parseFetchItems } from '../protocol/fetch-items.ts';
import { messagesOf } from '../targets.ts';

function fetching(byUid: boolean) {
  return command({
    states: ['selected'],
    holdsExpunges: !byUid,
    parse: (args) => ({ set: args.sequenceSet(), items: parseFetchItems(args) }),
    async run(ctx, state, { set, items }) {
      const { mailbox } = state;
      const { mailboxes, storage } = ctx.runtime;
      const uids = messagesOf(mailbox, set, byUid);
      const seen = new Set<number>();
      if (!mailbox.readOnly && items.some((i) => i.kind === 'section' && !i.peek)) {
        for (const uid of uids) {
          const record = mailboxes.message(mailbox.mailboxId, uid);
          if (record && !hasFlag(record.flags, '\\Seen')) seen.add(uid);
        }
        if (seen.size) {
          const { position } = await ctx.runtime.mail.store(mailbox.mailboxId, [...seen], 'add', ['\\Seen'], ctx.commandContext());
          await ctx.settle(position);
        }
      }
      let missing = false;
      for (const uid of uids) {
        const record = mailboxes.message(mailbox.mailboxId, uid);
        const seq = mailbox.seqOf(uid);
        if (!record || seq === undefined) {
          missing = true;
          continue;
        }
        const data = await fetchData(record, items, { uid: byUid, flags: seen.has(uid), shownFlags: mailbox.shownFlags(uid, record.flags) }, storage.blobs);
        await ctx.untagged(`${seq} FETCH `, ...data);
        if (seen.has(uid) || items.some((i) => i.kind === 'FLAGS')) mailbox.markTold(uid, record.flags);
      }
      if (missing) throw new ImapError('ExpungeIssued');
      return {};
    },
  });
}

export const fetch = fetching(false);
export const uidFetch = fetching(true);
