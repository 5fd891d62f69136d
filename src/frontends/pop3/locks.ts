// This node's POP3 maildrop locks (RFC 1939: one session per maildrop) and LOGIN-DELAY
// bookkeeping. Both live in this process only: two postlog nodes serving the same account
// do not see each other's POP3 sessions.

export type Claim = 'granted' | 'in-use' | 'login-delay';

export class MaildropLocks {
  private readonly holders = new Map<string, string>();
  private readonly lastLogin = new Map<string, number>();

  /** Takes the account's lock for connection `cid`, unless held or `delaySeconds` have not passed. */
  claim(accountId: string, cid: string, delaySeconds: number, now: number): Claim {
    const holder = this.holders.get(accountId);
    if (holder !== undefined && holder !== cid) return 'in-use';
    if (delaySeconds > 0) {
      const last = this.lastLogin.get(accountId);
      if (last !== undefined && now - last < delaySeconds * 1000) return 'login-delay';
      this.forgetOlderThan(now - delaySeconds * 1000);
      this.lastLogin.set(accountId, now);
    }
    this.holders.set(accountId, cid);
    return 'granted';
  }

  release(accountId: string, cid: string): void {
    if (this.holders.get(accountId) === cid) this.holders.delete(accountId);
  }

  isHeld(accountId: string): boolean {
    return this.holders.has(accountId);
  }

  private forgetOlderThan(limit: number): void {
    if (this.lastLogin.size < 1024) return;
    for (const [account, at] of this.lastLogin) if (at < limit) this.lastLogin.delete(account);
  }
}
