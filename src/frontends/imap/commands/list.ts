// LIST and LSUB (RFC 3501 6.3.8-9): names matched against "*" and "%" patterns, sent in
// modified UTF-7 with \HasChildren/\HasNoChildren, \Noselect and special-use attributes.
import { DELIMITER, INBOX } from '../../../domain/account/names.ts';
import type { FolderEntry } from '../../../projections/account-view.ts';
import { command } from '../command.ts';
import { encodeMailboxName } from '../protocol/mutf7.ts';
import { astring, quoted } from '../protocol/strings.ts';
import { AUTHENTICATED } from '../session.ts';

/** A LIST pattern as a test: "*" matches anything, "%" anything but the delimiter; INBOX in any case. */
export function listMatcher(reference: string, pattern: string): (name: string) => boolean {
  let full = reference + pattern;
  if (/^inbox(?=$|\/)/i.test(full)) full = INBOX + full.slice(INBOX.length);
  const source = [...full].map((c) => (c === '*' ? '.*' : c === '%' ? '[^/]*' : c.replace(/[.+?^${}()|[\]\\/]/g, '\\$&'))).join('');
  const re = new RegExp(`^${source}$`, 'su');
  return (name) => re.test(name);
}

function line(kind: 'LIST' | 'LSUB', attributes: readonly string[], name: string): string {
  return `${kind} (${attributes.join(' ')}) ${quoted(DELIMITER)} ${astring(encodeMailboxName(name))}`;
}

export const list = command({
  states: AUTHENTICATED,
  parse: (args) => ({ reference: args.mailbox(), pattern: args.mailbox() }),
  async run(ctx, state, { reference, pattern }) {
    if (pattern === '') {
      // The hierarchy delimiter and the root (RFC 3501 6.3.8).
      await ctx.untagged(`LIST (\\Noselect) ${quoted(DELIMITER)} ""`);
      return {};
    }
    const matches = listMatcher(reference, pattern);
    for (const entry of ctx.runtime.accounts.tree(state.user.accountId)) {
      if (matches(entry.name)) await ctx.untagged(line('LIST', entry.attributes, entry.name));
    }
    return {};
  },
});

export const lsub = command({
  states: AUTHENTICATED,
  parse: (args) => ({ reference: args.mailbox(), pattern: args.mailbox() }),
  async run(ctx, state, { reference, pattern }) {
    const matches = listMatcher(reference, pattern);
    const tree = new Map<string, FolderEntry>(ctx.runtime.accounts.tree(state.user.accountId).map((e) => [e.name, e]));
    const subscribed = ctx.runtime.accounts.subscriptions(state.user.accountId);
    const out = new Map<string, string[]>();
    for (const name of subscribed) {
      if (matches(name)) out.set(name, tree.get(name)?.mailboxId ? [] : ['\\Noselect']);
      // With "%", a subscribed child shows its unsubscribed parent as \Noselect (RFC 3501 6.3.9).
      const levels = name.split(DELIMITER);
      for (let i = 1; i < levels.length; i++) {
        const parent = levels.slice(0, i).join(DELIMITER);
        if (!out.has(parent) && !subscribed.includes(parent) && matches(parent)) out.set(parent, ['\\Noselect']);
      }
    }
    for (const [name, attributes] of [...out].sort((a, b) => (a[0] < b[0] ? -1 : 1))) await ctx.untagged(line('LSUB', attributes, name));
    return {};
  },
});
