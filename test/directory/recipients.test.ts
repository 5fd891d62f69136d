// Where mail for an address goes, as SMTP and `postlog deliver` ask it.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { settled, userContext, withTempRuntime } from '../helpers/runtime.ts';
import { loadConfig } from '../../src/frontends/config.ts';

const config = { ...loadConfig(undefined, {}), domains: ['example.org'] };

describe('recipient resolution', () => {
  it('expands +tags, aliases and nested groups (cycles included) into accounts, each once', async () => {
    await withTempRuntime(
      async (runtime) => {
        const ctx = userContext(runtime);
        const d = runtime.directoryService;
        await d.addDomain('example.net', ctx);
        const alice = await d.addUser('alice@example.org', ctx);
        const bob = await d.addUser('bob@example.net', ctx);
        const carol = await d.addUser('carol@example.org', ctx);
        await d.addAlias('a.smith@example.org', alice, ctx);
        await d.createGroup('team@example.org', ctx, 'The Team');
        await d.createGroup('all@example.org', ctx);
        await d.setMember('team@example.org', 'a.smith@example.org', true, ctx);
        await d.setMember('team@example.org', 'bob@example.net', true, ctx);
        await d.setMember('all@example.org', 'team@example.org', true, ctx);
        await d.setMember('all@example.org', 'alice@example.org', true, ctx);
        await d.setMember('all@example.org', 'carol@example.org', true, ctx);
        await d.setMember('team@example.org', 'all@example.org', true, ctx); // a cycle
        await d.setEnabled(carol, false, ctx);
        await settled(runtime);
        const r = runtime.recipients;

        assert.deepEqual(await r.resolve('Alice@Example.ORG'), { kind: 'local', accountIds: [alice] });
        assert.deepEqual(await r.resolve('alice+lists@example.org'), { kind: 'local', accountIds: [alice] });
        assert.deepEqual(await r.resolve('a.smith@example.org'), { kind: 'local', accountIds: [alice] });
        assert.deepEqual(await r.resolve('bob@example.net'), { kind: 'local', accountIds: [bob] }, 'a domain added to the directory');
        const all = await r.resolve('all@example.org');
        assert.equal(all.kind, 'local');
        assert.deepEqual([...(all.kind === 'local' ? all.accountIds : [])].sort(), [alice, bob, carol].sort(), 'a disabled user still receives mail');
        assert.deepEqual(await r.resolve('team+x@example.org'), all, 'the cycle ends, each account once');
        assert.deepEqual(await r.resolve('nobody@example.org'), { kind: 'unknown' });
        assert.deepEqual(await r.resolve('nobody+tag@example.org'), { kind: 'unknown' });
        assert.deepEqual(await r.resolve('alice@elsewhere.example'), { kind: 'remote' });
        assert.deepEqual(await r.resolve('not an address'), { kind: 'unknown' });
        assert.deepEqual(await r.addressesOf(alice), ['alice@example.org', 'a.smith@example.org']);

        await d.deleteUser(alice, ctx);
        await settled(runtime);
        assert.deepEqual(await r.resolve('a.smith@example.org'), { kind: 'unknown' }, 'a deleted user takes its aliases along');
        assert.deepEqual(runtime.directory.group('team@example.org')?.members, ['all@example.org', 'bob@example.net']);
        assert.deepEqual(runtime.accounts.accountOf('alice@example.org'), undefined);
      },
      true,
      { config },
    );
  });
});
