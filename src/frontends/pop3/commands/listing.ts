// The shape LIST and UIDL share: one message on a +OK line, or every message not deleted.
import type { Pop3Context } from '../command.ts';
import { multiline, ok } from '../responses.ts';
import type { Maildrop, MaildropMessage } from '../session.ts';

export function sendListing(
  ctx: Pop3Context,
  maildrop: Maildrop,
  number: number | undefined,
  title: () => string,
  describe: (m: MaildropMessage) => string | number,
): void {
  if (number !== undefined) ctx.send(ok(`${number} ${describe(maildrop.get(number))}`));
  else ctx.send(multiline(title(), maildrop.live().map((m) => `${m.number} ${describe(m)}`)));
}
