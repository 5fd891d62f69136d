import { describe, it } from 'node:test';
import { directoryDecider } from './decider.ts';
import { scenario, testContext } from '../testing.ts';
import { eventOf } from '../event.ts';

const directory = scenario(directoryDecider);

describe('directory decider', () => {
  it('creates an account under a normalized address', () => {
    directory.given([]).when({ type: 'createAccount', accountId: 'a1', address: ' Alice@Example.ORG ' }).then([
      { type: 'AccountCreated', data: { accountId: 'a1', address: 'alice@example.org' } },
    ]);
  });
  it('refuses an address already in use, in any case', () => {
    const taken = eventOf('AccountCreated', { accountId: 'a1', address: 'alice@example.org' }, testContext());
    directory.given([taken]).when({ type: 'createAccount', accountId: 'a2', address: 'ALICE@example.org' }).thenThrows('AlreadyExists');
  });
  it('refuses strings that are not addresses', () => {
    for (const address of ['alice', '@example.org', 'alice@', 'a b@example.org', 'a..b@example.org', 'a@-bad-.org']) {
      directory.given([]).when({ type: 'createAccount', accountId: 'a1', address }).thenThrows('InvalidArgument');
    }
  });
});
