// Decides directory changes: every address belongs to one account at most.
import { type Decider, refuse } from '../decider.ts';
import { eventOf } from '../event.ts';
import { normalizeAddress } from './address.ts';
import type { DirectoryEvent } from './events.ts';

export type DirectoryCommand = { type: 'createAccount'; accountId: string; address: string };

export type DirectoryState = {
  accountByAddress: Map<string, string>;
  addressByAccount: Map<string, string>;
};

export const directoryDecider: Decider<DirectoryCommand, DirectoryState, DirectoryEvent> = {
  initialState: () => ({ accountByAddress: new Map(), addressByAccount: new Map() }),
  evolve(state, event) {
    state.accountByAddress.set(event.data.address, event.data.accountId);
    state.addressByAccount.set(event.data.accountId, event.data.address);
    return state;
  },
  decide(command, state, ctx) {
    const address = normalizeAddress(command.address);
    if (state.accountByAddress.has(address)) refuse('AlreadyExists', `address ${address} is already in use`);
    if (state.addressByAccount.has(command.accountId)) refuse('AlreadyExists', `account ${command.accountId} exists`);
    return [eventOf('AccountCreated', { accountId: command.accountId, address }, ctx)];
  },
};
