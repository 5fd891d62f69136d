// The directory's operations as admins and the authenticator ask for them: passwords are hashed
// here, before any command is decided, so a password never reaches an event or a log line.
import type { CommandHandler, Handled } from '../command-handler.ts';
import { refuse } from '../decider.ts';
import type { CommandContext } from '../event.ts';
import type { MailService, NewUser } from '../mail-service.ts';
import { type DirectoryCommand, directoryDecider } from './decider.ts';
import { DIRECTORY_STREAM, type DirectoryEvent } from './events.ts';
import { hashPassword } from './password/verify.ts';

const MAX_PASSWORD = 1024;

/** Refuses passwords no login could send; returns the scrypt hash. */
export async function hashNewPassword(password: string): Promise<string> {
  if (!password) refuse('InvalidArgument', 'the password is empty');
  if (password.length > MAX_PASSWORD) refuse('InvalidArgument', `the password is longer than ${MAX_PASSWORD} characters`);
  if (/[\u0000\r\n]/.test(password)) refuse('InvalidArgument', 'the password must not contain NUL or line breaks');
  return hashPassword(password);
}

export class DirectoryService {
  constructor(
    private readonly handler: CommandHandler,
    private readonly mail: MailService,
  ) {}

  private run(command: DirectoryCommand, ctx: CommandContext): Promise<Handled<DirectoryEvent>> {
    return this.handler.handle(DIRECTORY_STREAM, directoryDecider, command, ctx);
  }

  addDomain(domain: string, ctx: CommandContext) {
    return this.run({ type: 'addDomain', domain }, ctx);
  }

  /** Creates the user with its mailboxes; a clear `password` is hashed, a `passwordHash` is imported as is. */
  async addUser(address: string, ctx: CommandContext, user: NewUser & { password?: string } = {}): Promise<string> {
    const { password, ...rest } = user;
    if (password !== undefined && rest.passwordHash !== undefined) refuse('InvalidArgument', 'give a password or a password hash, not both');
    const passwordHash = password === undefined ? rest.passwordHash : await hashNewPassword(password);
    return this.mail.createAccount(address, ctx, { ...rest, ...(passwordHash !== undefined && { passwordHash }) });
  }

  async setPassword(accountId: string, password: string, ctx: CommandContext) {
    return this.run({ type: 'changePassword', accountId, passwordHash: await hashNewPassword(password), reason: 'set' }, ctx);
  }

  /** Replaces `oldHash` with a fresh scrypt hash of the password that just verified against it. */
  async rehash(accountId: string, oldHash: string, password: string, ctx: CommandContext) {
    const passwordHash = await hashPassword(password);
    return this.run({ type: 'changePassword', accountId, passwordHash, reason: 'rehash', replaces: oldHash }, ctx);
  }

  setEnabled(accountId: string, enabled: boolean, ctx: CommandContext) {
    return this.run({ type: enabled ? 'enableUser' : 'disableUser', accountId }, ctx);
  }

  deleteUser(accountId: string, ctx: CommandContext) {
    return this.run({ type: 'deleteUser', accountId }, ctx);
  }

  addAlias(address: string, accountId: string, ctx: CommandContext) {
    return this.run({ type: 'addAlias', address, accountId }, ctx);
  }

  removeAlias(address: string, ctx: CommandContext) {
    return this.run({ type: 'removeAlias', address }, ctx);
  }

  createGroup(address: string, ctx: CommandContext, name?: string) {
    return this.run({ type: 'createGroup', address, ...(name !== undefined && { name }) }, ctx);
  }

  deleteGroup(address: string, ctx: CommandContext) {
    return this.run({ type: 'deleteGroup', address }, ctx);
  }

  setMember(group: string, member: string, present: boolean, ctx: CommandContext) {
    return this.run({ type: present ? 'addGroupMember' : 'removeGroupMember', group, member }, ctx);
  }

  /** Local domains as the write side knows them (the view may lag a moment behind). */
  domains(): Promise<string[]> {
    return this.handler.query(DIRECTORY_STREAM, directoryDecider, (s) => [...s.domains]);
  }
}
