// The directory merges as a union: what the other store added is taken, event by event, unless it
// contradicts ours (one address held by two users, one login name for two accounts): that is
// reported, and left for an admin to settle.
import type { DirectoryEvent } from '../directory/events.ts';
import { evolveDirectory, initialDirectoryState, type DirectoryState } from '../directory/state.ts';

export type DirectoryMergeDecision = { events: DirectoryEvent[]; conflicts: string[] };

/** Their events ours lacks (by event id) that fit ours, in their order; each copied as it is. */
export function decideDirectoryMerge(ours: readonly DirectoryEvent[], theirs: readonly DirectoryEvent[]): DirectoryMergeDecision {
  let state = initialDirectoryState();
  const known = new Set<string>();
  for (const e of ours) {
    state = evolveDirectory(state, e);
    known.add(e.meta.eventId);
  }
  const events: DirectoryEvent[] = [];
  const conflicts: string[] = [];
  for (const e of theirs) {
    if (known.has(e.meta.eventId)) continue;
    const verdict = fits(state, e);
    if (verdict === 'same') continue;
    if (verdict !== 'fits') {
      conflicts.push(`${e.type} ${e.meta.eventId}: ${verdict}`);
      continue;
    }
    events.push(e);
    state = evolveDirectory(state, e);
  }
  return { events, conflicts };
}

function fits(state: DirectoryState, e: DirectoryEvent): 'fits' | 'same' | string {
  switch (e.type) {
    case 'DomainAdded':
      return state.domains.has(e.data.domain) ? 'same' : 'fits';
    case 'AccountCreated': {
      if (state.users.has(e.data.accountId)) return 'same';
      const owner = state.owners.get(e.data.address);
      if (owner) return `address ${e.data.address} belongs to ${describe(owner)} here`;
      if (e.data.uid && state.logins.has(e.data.uid)) return `login name ${e.data.uid} belongs to account ${state.logins.get(e.data.uid)} here`;
      return 'fits';
    }
    case 'AliasAdded': {
      const owner = state.owners.get(e.data.address);
      if (!owner) return 'fits';
      return owner.kind === 'alias' && owner.accountId === e.data.accountId ? 'same' : `address ${e.data.address} belongs to ${describe(owner)} here`;
    }
    case 'GroupCreated': {
      const owner = state.owners.get(e.data.address);
      if (!owner) return 'fits';
      return owner.kind === 'group' ? 'same' : `address ${e.data.address} belongs to ${describe(owner)} here`;
    }
    default:
      return 'fits';
  }
}

function describe(owner: { kind: string; accountId?: string }): string {
  return owner.kind === 'group' ? 'a group' : `${owner.kind === 'alias' ? 'an alias of' : 'user'} account ${owner.accountId}`;
}
