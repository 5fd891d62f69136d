// STORE and UID STORE (RFC 3501 6.4.6): one FlagsChanged event for all the messages, then the
// new flags of each (unless .SILENT), as the mailbox view has them.
import { command } from '../command.ts';
import { ImapError } from '../errors.ts';
import { readFlags, formatFlags } from '../flags.ts';
import { bad } from '../protocol/args.ts';
import { messagesOf } from '../targets.ts';

const MODES = { '': 'replace', '+': 'add', '-': 'remove' } as const;

function storing(byUid: boolean) {
  return command({
    states: ['selected'],
    holdsExpunges: !byUid,
    parse(args) {
      const set = args.sequenceSet();
      const item = /^([+-]?)FLAGS(\.SILENT)?$/i.exec(args.atom('a store item'));
      if (!item) bad('Expected FLAGS, +FLAGS or -FLAGS');
      const flags = readFlags(args.listOrOne('a flag list'));
      return { set, mode: MODES[item[1] as '' | '+' | '-'], silent: item[2] !== undefined, flags };
    },
    async run(ctx, state, { set, mode, silent, flags }) {
      const { mailbox } = state;
      if (mailbox.readOnly) throw new ImapError('ReadOnly');
      const uids = messagesOf(mailbox, set, byUid).filter((uid) => !mailbox.isExpunged(uid));
      if (uids.length) {
        const { position } = await ctx.runtime.mail.store(mailbox.mailboxId, uids, mode, flags, ctx.commandContext());
        await ctx.settle(position);
      }
      for (const uid of uids) {
        const record = ctx.runtime.mailboxes.message(mailbox.mailboxId, uid);
        const seq = mailbox.seqOf(uid);
        if (!record || seq === undefined) continue;
        mailbox.markTold(uid, record.flags);
        if (!silent) await ctx.untagged(`${seq} FETCH (${byUid ? `UID ${uid} ` : ''}FLAGS ${formatFlags(mailbox.shownFlags(uid, record.flags))})`);
      }
      return {};
    },
  });
}

export const store = storing(false);
export const uidStore = storing(true);
