// Who may send what to whom: the recipient decision at RCPT time and the sender check at MAIL
// time, from what the directory says and what the connection is (MX or submission, signed in
// or not, from a trusted network or not).
import type { Recipient } from '../../domain/directory/ports.ts';
import { normalizeAddress, withoutTag } from '../../domain/directory/address.ts';
import { DomainError } from '../../domain/decider.ts';
import { SmtpRefusal } from './replies.ts';

/** MX takes mail for our users from anyone; submission takes mail from our users for anyone. */
export type ListenerKind = 'mx' | 'submission';

export type Client = Readonly<{
  listener: ListenerKind;
  /** the signed-in account, if any */
  user?: Readonly<{ accountId: string; address: string }>;
  /** the peer is inside config.trustedNetworks */
  trusted: boolean;
}>;

/** Where one accepted RCPT goes. */
export type Target =
  | Readonly<{ kind: 'local'; rcptTo: string; accountIds: readonly string[] }>
  | Readonly<{ kind: 'remote'; rcptTo: string }>;

/** On submission, a signed-in user or a trusted network may send anywhere. */
export const mayRelay = (client: Client) => client.listener === 'submission' && (client.user !== undefined || client.trusted);

/** Submission wants a signed-in user, except from a trusted network. */
export function checkMayStart(client: Client): void {
  if (client.listener === 'submission' && !client.user && !client.trusted) throw new SmtpRefusal('AuthRequired');
}

/** `Local@Example.ORG` -> `Local@example.org`: the local part may be case-sensitive elsewhere. */
export function routable(address: string): string {
  const at = address.lastIndexOf('@');
  return at <= 0 ? address : `${address.slice(0, at)}@${address.slice(at + 1).toLowerCase()}`;
}

export function recipientTarget(address: string, resolved: Recipient, client: Client): Target {
  switch (resolved.kind) {
    case 'local':
      if (!resolved.accountIds.length) throw new SmtpRefusal('UnknownUser', `<${address}>: no one receives mail at this address`);
      return { kind: 'local', rcptTo: normalizeAddress(address), accountIds: resolved.accountIds };
    case 'unknown':
      throw new SmtpRefusal('UnknownUser', `<${address}>: no such user here`);
    case 'remote':
      if (!mayRelay(client)) throw new SmtpRefusal('RelayDenied', `<${address}>: relay access denied`);
      return { kind: 'remote', rcptTo: routable(address) };
  }
}

/** A signed-in user sends as one of its own addresses (a +tag of one counts); '' is the null sender. */
export function checkSender(mailFrom: string, own: readonly string[]): void {
  if (mailFrom === '') return;
  let address: string;
  try {
    address = normalizeAddress(mailFrom);
  } catch (error) {
    if (error instanceof DomainError) throw new SmtpRefusal('SenderNotOwned', `<${mailFrom}>: not an address of yours`);
    throw error;
  }
  const mine = new Set(own.map((a) => a.toLowerCase()));
  if (!mine.has(address) && !mine.has(withoutTag(address) ?? '')) {
    throw new SmtpRefusal('SenderNotOwned', `<${mailFrom}>: sender address not owned by the signed-in user`);
  }
}
