// Opening a maildrop: the account's INBOX from the mailbox view, once the view has caught up
// with the log, numbered in UID order and given the UIDLs of src/domain/mailbox/uidl.ts.
import { INBOX } from '../../domain/account/names.ts';
import { uidls } from '../../domain/mailbox/uidl.ts';
import type { MessageRecord } from '../../projections/mailbox-view.ts';
import type { Runtime } from '../runtime.ts';
import { Maildrop } from './session.ts';

/** How long a login waits for the read model to reach the log's head before taking what it has. */
const CATCH_UP_MS = 5000;

export function maildropOf(mailboxId: string, records: readonly MessageRecord[]): Maildrop {
  const ids = uidls(records);
  return new Maildrop(
    mailboxId,
    records.map((r, i) => ({ number: i + 1, uid: r.uid, uidl: ids[i]!, size: r.size, blobId: r.blobId })),
  );
}

export async function openMaildrop(runtime: Runtime, accountId: string): Promise<Maildrop> {
  const inbox = await runtime.mail.mailbox(accountId, INBOX);
  // Mail delivered just before the login must be in the snapshot.
  const head = await runtime.storage.events.headPosition();
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    runtime.runner.waitFor(head),
    new Promise<void>((resolve) => (timer = setTimeout(resolve, CATCH_UP_MS).unref())),
  ]).finally(() => clearTimeout(timer));
  return maildropOf(inbox.mailboxId, runtime.mailboxes.messages(inbox.mailboxId));
}
