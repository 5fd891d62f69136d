// The one authentication service every protocol uses: passwords in clear only over TLS or from
// trusted networks, growing delays and then refusal after failures, disabled users refused, an
// old hash upgraded to scrypt on a good login, one log line per attempt (never the password),
// and an event per login to a mail session (see domain/login/events.ts).
import type { Logger } from 'pino';
import type { AuthRequest, AuthResult, Authenticator } from '../../domain/directory/ports.ts';
import type { DirectoryService } from '../../domain/directory/service.ts';
import { hashPassword, needsRehash, verifyPassword } from '../../domain/directory/password/verify.ts';
import type { LoginLog } from '../../domain/login/log.ts';
import type { DirectoryView } from '../../projections/directory-view.ts';
import { commandContext } from '../context.ts';
import { plainAddress, trustedNetworks } from './networks.ts';
import { DEFAULT_THROTTLE, FailureThrottle, type ThrottlePolicy } from './throttle.ts';

export type AuthenticatorOptions = Readonly<{
  directory: DirectoryView;
  service: DirectoryService;
  /** CIDR list: peers inside may send a password in clear without TLS */
  trustedNetworks: readonly string[];
  logger: Logger;
  /** this node's origin, for the events of a rehash and of logins */
  origin: string;
  /** where logins to mail sessions are recorded (LoggedIn, LoginRefused); none: log lines only */
  logins?: LoginLog;
  throttle?: ThrottlePolicy;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}>;

const pause = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms).unref());

export class DirectoryAuthenticator implements Authenticator {
  private readonly trusted: (address: string) => boolean;
  private readonly throttle: FailureThrottle;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly logger: Logger;
  /** a hash to verify against when the user does not exist, so the answer takes as long */
  private decoy: Promise<string> | undefined;

  constructor(private readonly options: AuthenticatorOptions) {
    this.trusted = trustedNetworks(options.trustedNetworks);
    this.throttle = new FailureThrottle(options.throttle ?? DEFAULT_THROTTLE, options.now);
    this.sleep = options.sleep ?? pause;
    this.logger = options.logger.child({ component: 'auth' });
  }

  cleartextAllowed(clientAddress: string, secure: boolean): boolean {
    return secure || this.trusted(clientAddress);
  }

  async authenticate(request: AuthRequest): Promise<AuthResult> {
    const { protocol, mechanism, secure } = request;
    const client = plainAddress(request.clientAddress);
    const username = String(request.username ?? '').trim().toLowerCase();
    const line = { proto: protocol, client, username, mechanism, secure };
    // Every mechanism offered today (PLAIN, LOGIN, USER) carries the password itself.
    if (!this.cleartextAllowed(client, secure)) {
      this.logger.warn({ ...line, result: 'cleartext' }, 'login refused: password in clear without TLS');
      return { ok: false, reason: 'cleartext' };
    }
    const user = username ? this.options.directory.userByLogin(username) : undefined;
    const keys = { client, account: user?.accountId ?? username };
    const verdict = this.throttle.check(keys);
    if (verdict.refused) {
      this.logger.warn({ ...line, account: user?.accountId, failures: verdict.failures, result: 'throttled' }, 'login refused: too many failures');
      return { ok: false, reason: 'throttled' };
    }
    if (verdict.delayMs) await this.sleep(verdict.delayMs);

    const stored = user?.passwordHash;
    const password = String(request.password ?? '');
    const valid = stored ? await verifyPassword(password, stored).catch(() => false) : await this.spendTheSameTime(password);
    if (!user || !valid) {
      this.throttle.fail(keys);
      this.logger.warn({ ...line, account: user?.accountId, delayMs: verdict.delayMs, result: 'invalid' }, 'login failed');
      if (user) await this.record(user, request, 'invalid');
      return { ok: false, reason: 'invalid' };
    }
    if (!user.enabled) {
      this.logger.warn({ ...line, account: user.accountId, result: 'disabled' }, 'login refused: account disabled');
      await this.record(user, request, 'disabled');
      return { ok: false, reason: 'disabled' };
    }
    this.throttle.succeed(keys);
    if (stored && needsRehash(stored)) await this.upgrade(user.accountId, stored, password, request);
    this.logger.info({ ...line, account: user.accountId, address: user.address, result: 'ok' }, 'login');
    await this.record(user, request);
    return { ok: true, accountId: user.accountId, address: user.address };
  }

  /**
   * Records a login to a mail session, or one refused, as an event on the account's login
   * stream, durable before the answer. A failure to record is logged and does not change the
   * answer: the mail stays reachable when only the record of it could not be written.
   */
  private async record(user: { accountId: string; address: string }, request: AuthRequest, refused?: 'invalid' | 'disabled'): Promise<void> {
    const { logins, origin } = this.options;
    const { protocol } = request;
    if (!logins || protocol === 'ldap') return;
    const actor = { kind: 'user' as const, id: user.accountId, protocol, address: request.clientAddress };
    const login = {
      accountId: user.accountId,
      address: user.address,
      protocol,
      mechanism: request.mechanism,
      clientAddress: plainAddress(request.clientAddress),
      secure: request.secure,
    };
    try {
      await logins.record(login, commandContext(actor, origin), refused);
    } catch (err) {
      this.logger.error({ err, account: user.accountId }, 'could not record the login');
    }
  }

  /** Re-hashes with scrypt; a failure here never fails the login. */
  private async upgrade(accountId: string, stored: string, password: string, request: AuthRequest): Promise<void> {
    const ctx = commandContext({ kind: 'system', id: 'authenticator', protocol: request.protocol, address: request.clientAddress }, this.options.origin);
    try {
      const { events } = await this.options.service.rehash(accountId, stored, password, ctx);
      if (events.length) this.logger.info({ proto: request.protocol, account: accountId }, 'password re-hashed with scrypt');
    } catch (err) {
      this.logger.error({ err, account: accountId }, 'could not re-hash the password');
    }
  }

  private async spendTheSameTime(password: string): Promise<false> {
    this.decoy ??= hashPassword('postlog decoy password');
    await verifyPassword(password, await this.decoy);
    return false;
  }
}
