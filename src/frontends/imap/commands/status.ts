// STATUS (RFC 3501 6.3.10): counters of any mailbox from the mailbox view, without selecting it;
// RECENT counts the messages no session has claimed, and claims none.
import { command } from '../command.ts';
import { ImapError } from '../errors.ts';
import { bad } from '../protocol/args.ts';
import { encodeMailboxName } from '../protocol/mutf7.ts';
import { astring } from '../protocol/strings.ts';
import { AUTHENTICATED } from '../session.ts';
import { findMailbox } from '../targets.ts';
import type { RecentClaims } from '../recent.ts';
import type { MailboxView } from '../../../projections/mailbox-view.ts';

const ITEMS = new Set(['MESSAGES', 'RECENT', 'UIDNEXT', 'UIDVALIDITY', 'UNSEEN', 'SIZE']);

export const status = command({
  states: AUTHENTICATED,
  parse(args) {
    const name = args.mailbox();
    const list = args.list('a list of status items');
    const items: string[] = [];
    while (list.remaining > 0) {
      const item = list.atom('a status item').toUpperCase();
      if (!ITEMS.has(item)) bad(`Unknown status item ${item}`);
      items.push(item);
    }
    if (!items.length) bad('Empty status item list');
    return { name, items };
  },
  async run(ctx, state, { name, items }) {
    const ref = findMailbox(ctx.runtime.accounts, state.user.accountId, name);
    const s = ctx.runtime.mailboxes.status(ref.mailboxId);
    if (!s) throw new ImapError('NoSuchMailbox');
    const values: Record<string, number> = {
      MESSAGES: s.messages,
      RECENT: items.includes('RECENT') ? unclaimed(ctx.runtime.mailboxes, ctx.recent, ref.mailboxId, s.uidNext) : 0,
      UIDNEXT: s.uidNext,
      UIDVALIDITY: s.uidValidity,
      UNSEEN: s.unseen,
      SIZE: s.size,
    };
    await ctx.untagged(`STATUS ${astring(encodeMailboxName(ref.name))} (${items.map((i) => `${i} ${values[i]}`).join(' ')})`);
    return {};
  },
});

/** Messages above the mailbox's recent cursor; most mailboxes have none, and cost one read. */
function unclaimed(view: MailboxView, claims: RecentClaims, mailboxId: string, uidNext: number): number {
  const claimed = claims.claimed(mailboxId);
  return claimed + 1 >= uidNext ? 0 : view.uids(mailboxId, claimed + 1).length;
}
