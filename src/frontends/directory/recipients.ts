// Where mail for an address goes: local domains are the directory's plus the configured ones;
// `user+tag@domain` reaches user@domain; aliases and groups (nested, cycles and all) are
// expanded into accounts, each once. A disabled user still receives mail: disabling stops logins.
import { DomainError } from '../../domain/decider.ts';
import { normalizeAddress, splitAddress, withoutTag } from '../../domain/directory/address.ts';
import type { Recipient, RecipientResolver } from '../../domain/directory/ports.ts';
import type { DirectoryView } from '../../projections/directory-view.ts';

export class DirectoryRecipients implements RecipientResolver {
  private readonly configured: ReadonlySet<string>;

  constructor(
    private readonly directory: DirectoryView,
    configuredDomains: readonly string[],
  ) {
    this.configured = new Set(configuredDomains.map((d) => d.toLowerCase()));
  }

  isLocalDomain(domain: string): boolean {
    const d = domain.toLowerCase();
    return this.configured.has(d) || this.directory.hasDomain(d);
  }

  async resolve(address: string): Promise<Recipient> {
    let normalized: string;
    try {
      normalized = normalizeAddress(address);
    } catch (error) {
      if (error instanceof DomainError) return { kind: 'unknown' };
      throw error;
    }
    if (!this.isLocalDomain(splitAddress(normalized).domain)) return { kind: 'remote' };
    const exact = this.directory.ownerOf(normalized);
    const base = exact ? normalized : withoutTag(normalized);
    const owner = exact ?? (base ? this.directory.ownerOf(base) : undefined);
    if (!base || !owner) return { kind: 'unknown' };
    // A user or an alias is one account, already known; only a group is expanded.
    if (owner.kind !== 'group') return { kind: 'local', accountIds: [owner.accountId] };
    return { kind: 'local', accountIds: this.directory.groupAccounts(base) };
  }

  async addressesOf(accountId: string): Promise<readonly string[]> {
    return this.directory.addressesOf(accountId);
  }
}
