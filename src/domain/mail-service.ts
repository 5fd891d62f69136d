// The operations front-ends ask for, each spanning the streams it needs: an account is a
// directory entry, a folder tree and one stream per mailbox; a move is an append then an expunge.
import type { CommandHandler } from './command-handler.ts';
import { DomainError, refuse } from './decider.ts';
import type { CommandContext } from './event.ts';
import { accountDecider, type MailboxEntry } from './account/decider.ts';
import { accountStream, type AccountEvent } from './account/events.ts';
import { INBOX, normalizeMailboxName } from './account/names.ts';
import { directoryDecider } from './directory/decider.ts';
import { DIRECTORY_STREAM } from './directory/events.ts';
import { normalizeAddress } from './directory/address.ts';
import { mailboxDecider, type NewMessage } from './mailbox/decider.ts';
import { deliveryEmailId } from './mailbox/email-id.ts';
import { mailboxStream, type AppendedMessage, type MessageAppended, type MailboxEvent, type MessageSource } from './mailbox/events.ts';
import type { SpecialUse } from './account/events.ts';
import type { UserProfile } from './directory/events.ts';

/** What a new user may start with besides the address: a profile, a password hash, disabled. */
export type NewUser = UserProfile & { passwordHash?: string; disabled?: boolean };

/** What the service needs to read of stored messages (the mailbox projection provides it). */
export interface MessageLookup {
  getMessages(mailboxId: string, uids: readonly number[]): Promise<AppendedMessage[]>;
}

export type AppendMessageOptions = Readonly<{ blobsDeferred?: boolean }>;

export type Appended = Readonly<{ uidValidity: number; uids: number[]; emailIds: string[]; position: number }>;

/** A stored message placed again (copy, move, restore): same emailId, blob and flags, new UID. */
export function placedAgain(m: Omit<AppendedMessage, 'uid' | 'modseq' | 'source'>, source: MessageSource): NewMessage {
  const { emailId, blobId, size, internalDate, flags, summary } = m;
  return { emailId, blobId, size, internalDate, flags, summary, source };
}

export class MailService {
  constructor(
    private readonly handler: CommandHandler,
    private readonly messages: MessageLookup,
  ) {}

  // --- accounts ---------------------------------------------------------------------------

  async accountOf(address: string): Promise<string | undefined> {
    const normalized = normalizeAddress(address);
    return this.handler.query(DIRECTORY_STREAM, directoryDecider, (s) => {
      const owner = s.owners.get(normalized);
      return owner?.kind === 'user' ? owner.accountId : undefined;
    });
  }

  async accounts(): Promise<{ accountId: string; address: string }[]> {
    return this.handler.query(DIRECTORY_STREAM, directoryDecider, (s) =>
      [...s.users.values()].map(({ accountId, address }) => ({ accountId, address })),
    );
  }

  /** Creates the account (a directory user) with INBOX and the special-use folders; returns its id. */
  async createAccount(address: string, ctx: CommandContext, user: NewUser = {}): Promise<string> {
    const accountId = ctx.newId();
    await this.handler.handle(DIRECTORY_STREAM, directoryDecider, { type: 'createAccount', accountId, address, ...user }, ctx);
    await this.ensureAccountReady(accountId, ctx);
    return accountId;
  }

  /**
   * Finishes what an interrupted creation left undone: default folders, and a mailbox stream
   * for every folder of the tree. Safe to run any number of times.
   */
  async ensureAccountReady(accountId: string, ctx: CommandContext): Promise<void> {
    await this.handler.handle(accountStream(accountId), accountDecider, { type: 'provision', accountId }, ctx);
    for (const m of await this.mailboxes(accountId)) await this.initializeMailbox(accountId, m, ctx);
  }

  // --- folder tree ------------------------------------------------------------------------

  async mailboxes(accountId: string): Promise<MailboxEntry[]> {
    return this.handler.query(accountStream(accountId), accountDecider, (s) => [...s.mailboxes.values()].map((m) => ({ ...m })));
  }

  async subscriptions(accountId: string): Promise<string[]> {
    return this.handler.query(accountStream(accountId), accountDecider, (s) => [...s.subscriptions]);
  }

  async mailbox(accountId: string, name: string): Promise<MailboxEntry> {
    const canonical = normalizeMailboxName(name);
    const entry = await this.handler.query(accountStream(accountId), accountDecider, (s) => {
      const m = s.mailboxes.get(canonical);
      return m && { ...m };
    });
    if (!entry) refuse('NotFound', `mailbox "${canonical}" does not exist`);
    return entry;
  }

  async createMailbox(accountId: string, name: string, ctx: CommandContext, specialUse: SpecialUse | null = null) {
    return this.changeTree(accountId, { type: 'create', accountId, name, specialUse }, ctx);
  }

  async renameMailbox(accountId: string, from: string, to: string, ctx: CommandContext) {
    return this.changeTree(accountId, { type: 'rename', accountId, from, to }, ctx);
  }

  async deleteMailbox(accountId: string, name: string, ctx: CommandContext) {
    return this.changeTree(accountId, { type: 'delete', accountId, name }, ctx);
  }

  async subscribe(accountId: string, name: string, subscribed: boolean, ctx: CommandContext) {
    return this.changeTree(accountId, { type: subscribed ? 'subscribe' : 'unsubscribe', accountId, name }, ctx);
  }

  private async changeTree(
    accountId: string,
    command: Parameters<typeof accountDecider.decide>[0],
    ctx: CommandContext,
  ): Promise<AccountEvent[]> {
    const { events } = await this.handler.handle(accountStream(accountId), accountDecider, command, ctx);
    for (const e of events) {
      if (e.type === 'MailboxCreated') await this.initializeMailbox(accountId, e.data, ctx);
    }
    return [...events];
  }

  private async initializeMailbox(accountId: string, m: { mailboxId: string; uidValidity: number }, ctx: CommandContext) {
    const command = { type: 'initialize', mailboxId: m.mailboxId, accountId, uidValidity: m.uidValidity } as const;
    await this.handler.handle(mailboxStream(m.mailboxId), mailboxDecider, command, ctx);
  }

  // --- messages ---------------------------------------------------------------------------

  /**
   * Appends messages to a mailbox; resolves once they are durable. `blobsDeferred`: their
   * blobs were put deferred, so the append checks each is stored and may share its commit.
   */
  async append(mailboxId: string, messages: readonly NewMessage[], ctx: CommandContext, options: AppendMessageOptions = {}): Promise<Appended> {
    const { events, position, read: uidValidity } = await this.handler.handle(
      mailboxStream(mailboxId),
      mailboxDecider,
      { type: 'append', mailboxId, messages },
      ctx,
      { ...(options.blobsDeferred && { blobs: messages.map((m) => m.blobId) }), read: (s) => s.uidValidity },
    );
    const appended = events.filter((e): e is MessageAppended => e.type === 'MessageAppended');
    return { uidValidity, uids: appended.map((e) => e.data.uid), emailIds: appended.map((e) => e.data.emailId), position };
  }

  /**
   * Local delivery into an account's INBOX. A delivery's emailId comes from its transaction,
   * account and content, so the same transaction delivered on two stores is one email to a merge.
   */
  async deliver(accountId: string, message: NewMessage, ctx: CommandContext, options: AppendMessageOptions = {}): Promise<Appended> {
    const inbox = await this.mailbox(accountId, INBOX);
    const { source } = message;
    const emailId = message.emailId ?? (source.kind === 'delivery' ? deliveryEmailId(accountId, source, message.blobId) : undefined);
    return this.append(inbox.mailboxId, [{ ...message, ...(emailId && { emailId }) }], ctx, options);
  }

  async store(
    mailboxId: string,
    uids: readonly number[],
    mode: 'add' | 'remove' | 'replace',
    flags: readonly string[],
    ctx: CommandContext,
  ): Promise<{ events: readonly MailboxEvent[]; position: number }> {
    return this.handler.handle(mailboxStream(mailboxId), mailboxDecider, { type: 'store', mailboxId, uids, mode, flags }, ctx);
  }

  async expunge(mailboxId: string, uids: readonly number[], reason: string, ctx: CommandContext) {
    return this.handler.handle(mailboxStream(mailboxId), mailboxDecider, { type: 'expunge', mailboxId, uids, reason }, ctx);
  }

  /** Copies keep the emailId; the destination gives new UIDs. */
  async copy(fromMailboxId: string, uids: readonly number[], toMailboxId: string, ctx: CommandContext, kind: 'copy' | 'move' = 'copy') {
    const found = await this.messages.getMessages(fromMailboxId, uids);
    if (!found.length) return { uidValidity: await this.uidValidity(toMailboxId), uids: [], emailIds: [], position: 0, from: [] as number[] };
    const copies = found.map((m) => placedAgain(m, { kind, fromMailboxId, fromUid: m.uid }));
    const appended = await this.append(toMailboxId, copies, ctx);
    return { ...appended, from: found.map((m) => m.uid) };
  }

  /**
   * Appends to the destination first, then expunges the source: an interruption between the two
   * leaves a copy in both places, never a message in neither.
   */
  async move(fromMailboxId: string, uids: readonly number[], toMailboxId: string, ctx: CommandContext) {
    if (fromMailboxId === toMailboxId) throw new DomainError('InvalidArgument', 'cannot move a message into its own mailbox');
    const copied = await this.copy(fromMailboxId, uids, toMailboxId, ctx, 'move');
    if (!copied.from.length) return { ...copied, position: 0 };
    const { position } = await this.handler.handle(
      mailboxStream(fromMailboxId),
      mailboxDecider,
      { type: 'expunge', mailboxId: fromMailboxId, uids: copied.from, reason: 'moved', movedTo: { mailboxId: toMailboxId, uids: copied.uids } },
      ctx,
    );
    return { ...copied, position: Math.max(position, copied.position) };
  }

  async uidValidity(mailboxId: string): Promise<number> {
    return this.handler.query(mailboxStream(mailboxId), mailboxDecider, (s) => s.uidValidity);
  }

  /** UIDs present now, ascending (the write side's view, for validating a client's request). */
  async uids(mailboxId: string): Promise<number[]> {
    return this.handler.query(mailboxStream(mailboxId), mailboxDecider, (s) => [...s.messages.keys()].sort((a, b) => a - b));
  }
}
