// FETCH and UID FETCH (RFC 3501 6.4.5, 6.4.8). A body fetch without PEEK sets \Seen first (one
// write for all the messages), and those FETCH responses carry the new FLAGS.
import { hasFlag } from '../../../domain/mailbox/flags.ts';
import { command } from '../command.ts';
import { ImapError } from '../errors.ts';
import { FetchPlan, fetchData } from '../fetch-data.ts';
import { parseFetchItems } from '../protocol/fetch-items.ts';
import { MessageSource, messagesOf, Vanished } from '../targets.ts';
import type { Piece } from '../protocol/strings.ts';

function fetching(byUid: boolean) {
  return command({
    states: ['selected'],
    holdsExpunges: !byUid,
    parse: (args) => ({ set: args.sequenceSet(), items: parseFetchItems(args) }),
    async run(ctx, state, { set, items }) {
      const { mailbox } = state;
      const { mailboxes, storage } = ctx.runtime;
      const uids = messagesOf(mailbox, set, byUid);
      const plan = new FetchPlan(items, byUid);
      // Flags are current once the change feed is read: a FETCH of flags reads no message,
      // other items read each message's record once.
      mailbox.poll();
      const seen = new Set<number>();
      if (!mailbox.readOnly && items.some((i) => i.kind === 'section' && !i.peek)) {
        for (const uid of uids) if (!mailbox.isExpunged(uid) && !hasFlag(mailbox.flagsOf(uid), '\\Seen')) seen.add(uid);
        if (seen.size) {
          const { position } = await ctx.runtime.mail.store(mailbox.mailboxId, [...seen], 'add', ['\\Seen'], ctx.commandContext());
          await ctx.settle(position);
          mailbox.poll();
        }
      }
      let missing = false;
      for (const uid of uids) {
        const seq = mailbox.seqOf(uid);
        if (seq === undefined || mailbox.isExpunged(uid)) {
          missing = true;
          continue;
        }
        const flags = mailbox.flagsOf(uid);
        let data: Piece[];
        try {
          const options = { flags: seen.has(uid), shownFlags: mailbox.shownFlags(uid, flags) };
          const fetched = fetchData(uid, new MessageSource(mailboxes, mailbox.mailboxId, uid), plan, options, storage.blobs);
          data = Array.isArray(fetched) ? fetched : await fetched;
        } catch (error) {
          if (!(error instanceof Vanished)) throw error;
          missing = true;
          continue;
        }
        data.unshift(`${seq} FETCH `);
        const full = ctx.untagged(...data);
        if (full) await full;
        if (seen.has(uid) || plan.flags) mailbox.markTold(uid, flags);
      }
      if (missing) throw new ImapError('ExpungeIssued');
      return {};
    },
  });
}

export const fetch = fetching(false);
export const uidFetch = fetching(true);
