// An account's folder tree with counts, as `mailbox list`, `show --as-of` and `replay` print it.
import type { AccountView } from '../../projections/account-view.ts';
import type { MailboxView } from '../../projections/mailbox-view.ts';
import { printTable } from './output.ts';

export function folderRows(accounts: AccountView, mailboxes: MailboxView, accountId: string) {
  return accounts.tree(accountId).map((f) => {
    const status = f.mailboxId ? mailboxes.status(f.mailboxId) : undefined;
    return { ...f, messages: status?.messages ?? 0, unseen: status?.unseen ?? 0, size: status?.size ?? 0, uidNext: status?.uidNext ?? null };
  });
}

/** "alice@example.test/Projects 2010" for a mailbox as it is named now. */
export function mailboxLabel(accounts: AccountView, accountId: string | undefined, mailboxId: string): string {
  const folder = accountId ? accounts.tree(accountId).find((f) => f.mailboxId === mailboxId) : undefined;
  return folder ? `${accounts.address(accountId!) || accountId}/${folder.name}` : `(deleted mailbox ${mailboxId})`;
}

export function printFolders(rows: ReturnType<typeof folderRows>): void {
  printTable(
    ['NAME', 'MESSAGES', 'UNSEEN', 'SIZE', 'UIDVALIDITY', 'ATTRIBUTES'],
    rows.map((r) => [r.name, r.messages, r.unseen, r.size, r.uidValidity ?? '-', [...r.attributes, r.subscribed ? 'subscribed' : ''].join(' ').trim()]),
  );
}
