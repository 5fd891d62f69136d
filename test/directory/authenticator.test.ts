// The rules every protocol's login goes through, at the Authenticator (protocols add their own
// cases on top): cleartext only over TLS or from trusted networks, growing delay then refusal
// after failures, disabled users refused, legacy hashes accepted once and upgraded.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import pino from 'pino';
import { settled, userContext, withTempRuntime } from '../helpers/runtime.ts';
import { DirectoryAuthenticator } from '../../src/frontends/directory/authenticator.ts';
import type { AuthRequest } from '../../src/domain/directory/ports.ts';
import type { Runtime } from '../../src/frontends/runtime.ts';
import { loadConfig } from '../../src/frontends/config.ts';

const config = { ...loadConfig(undefined, {}), domains: ['example.org'], trustedNetworks: ['127.0.0.0/8', '10.0.0.0/8'] };
const OUTSIDE = '203.0.113.5';

function logCapture() {
  const lines: Record<string, unknown>[] = [];
  const text: string[] = [];
  const stream = new Writable({
    write(chunk, _enc, done) {
      text.push(String(chunk));
      lines.push(JSON.parse(String(chunk)));
      done();
    },
  });
  return { logger: pino({ level: 'info' }, stream), lines, text };
}

function authenticator(runtime: Runtime, logger = pino({ level: 'silent' })) {
  let now = 1_000_000;
  const delays: number[] = [];
  const auth = new DirectoryAuthenticator({
    directory: runtime.directory,
    service: runtime.directoryService,
    trustedNetworks: config.trustedNetworks,
    logger,
    origin: runtime.origin,
    throttle: { windowMs: 60_000, baseDelayMs: 100, maxDelayMs: 1_000, refuseAfter: { account: 4, client: 6 }, maxEntries: 100 },
    now: () => now,
    sleep: async (ms) => {
      delays.push(ms);
      now += ms;
    },
  });
  return { auth, delays, advance: (ms: number) => (now += ms) };
}

const login = (username: string, password: string, over: Partial<AuthRequest> = {}): AuthRequest => ({
  protocol: 'imap',
  clientAddress: OUTSIDE,
  secure: true,
  mechanism: 'PLAIN',
  username,
  password,
  ...over,
});

async function withUsers(run: (runtime: Runtime) => Promise<void>): Promise<void> {
  await withTempRuntime(
    async (runtime) => {
      const ctx = userContext(runtime);
      await runtime.directoryService.addUser('alice@example.org', ctx, { password: 'alice-pw', displayName: 'Alice Smith' });
      await runtime.directoryService.addUser('bob@example.org', ctx, { password: 'bob-pw' });
      await settled(runtime);
      await run(runtime);
    },
    true,
    { config },
  );
}

describe('authenticator', () => {
  it('accepts the right password by address or login name, and refuses a wrong one or an unknown user', async () => {
    await withUsers(async (runtime) => {
      const { auth } = authenticator(runtime);
      const alice = await auth.authenticate(login('Alice@Example.org', 'alice-pw'));
      assert.deepEqual(alice, { ok: true, accountId: runtime.directory.userByLogin('alice')!.accountId, address: 'alice@example.org' });
      assert.equal((await auth.authenticate(login('alice', 'alice-pw', { mechanism: 'USER', protocol: 'pop3' }))).ok, true);
      assert.deepEqual(await auth.authenticate(login('alice@example.org', 'bob-pw')), { ok: false, reason: 'invalid' });
      assert.deepEqual(await auth.authenticate(login('nobody@example.org', 'x')), { ok: false, reason: 'invalid' });
      assert.equal((await runtime.auth.authenticate(login('bob@example.org', 'bob-pw'))).ok, true, 'the runtime serves the same rules');
    });
  });

  it('takes a password in clear only over TLS or from a trusted network', async () => {
    await withUsers(async (runtime) => {
      const { auth } = authenticator(runtime);
      assert.equal(auth.cleartextAllowed(OUTSIDE, false), false);
      assert.equal(auth.cleartextAllowed(OUTSIDE, true), true);
      assert.equal(auth.cleartextAllowed('10.20.30.40', false), true);
      assert.equal(auth.cleartextAllowed('::ffff:127.0.0.1', false), true);
      assert.deepEqual(await auth.authenticate(login('alice', 'alice-pw', { secure: false })), { ok: false, reason: 'cleartext' });
      assert.equal((await auth.authenticate(login('alice', 'alice-pw', { secure: false, clientAddress: '127.0.0.1' }))).ok, true);
      assert.equal((await auth.authenticate(login('alice', 'alice-pw', { secure: true }))).ok, true, 'after STARTTLS');
    });
  });

  it('slows down after each failure, then refuses for a while, per account and per client', async () => {
    await withUsers(async (runtime) => {
      const { auth, delays, advance } = authenticator(runtime);
      for (let i = 0; i < 4; i++) assert.equal((await auth.authenticate(login('alice', 'guess' + i))).ok, false);
      assert.deepEqual(delays, [100, 200, 400], 'a growing delay before each attempt after a failure');
      assert.deepEqual(await auth.authenticate(login('alice', 'alice-pw')), { ok: false, reason: 'throttled' });
      assert.deepEqual(
        await auth.authenticate(login('alice', 'alice-pw', { clientAddress: '198.51.100.1' })),
        { ok: false, reason: 'throttled' },
        'the account is protected whichever client guesses',
      );
      assert.equal((await auth.authenticate(login('bob', 'bob-pw', { clientAddress: '198.51.100.1' }))).ok, true, 'others are not');
      // Six failures from one client across accounts stop that client, not the others.
      for (let i = 0; i < 2; i++) await auth.authenticate(login(`someone${i}@example.org`, 'x'));
      assert.deepEqual(await auth.authenticate(login('bob', 'bob-pw')), { ok: false, reason: 'throttled' });
      advance(60_001);
      assert.equal((await auth.authenticate(login('alice', 'alice-pw'))).ok, true, 'refusal is temporary');
    });
  });

  it('refuses a disabled user everywhere, with the right password, until enabled again', async () => {
    await withUsers(async (runtime) => {
      const { auth } = authenticator(runtime);
      const ctx = userContext(runtime);
      const alice = runtime.directory.userByLogin('alice')!;
      await runtime.directoryService.setEnabled(alice.accountId, false, ctx);
      await settled(runtime);
      for (const protocol of ['smtp', 'imap', 'pop3', 'ldap'] as const) {
        assert.deepEqual(await auth.authenticate(login('alice', 'alice-pw', { protocol })), { ok: false, reason: 'disabled' });
      }
      assert.deepEqual(await auth.authenticate(login('alice', 'wrong')), { ok: false, reason: 'invalid' }, 'no hint without the password');
      await runtime.directoryService.setEnabled(alice.accountId, true, ctx);
      await settled(runtime);
      assert.equal((await auth.authenticate(login('alice', 'alice-pw'))).ok, true);
    });
  });

  it('logs every attempt with protocol, client and account, never the password', async () => {
    await withUsers(async (runtime) => {
      const { logger, lines, text } = logCapture();
      const { auth } = authenticator(runtime, logger);
      await auth.authenticate(login('alice', 'alice-pw', { protocol: 'smtp' }));
      await auth.authenticate(login('alice', 'Sup3r-s3cret-guess', { protocol: 'pop3' }));
      await auth.authenticate(login('alice', 'Sup3r-s3cret-plain', { secure: false }));
      assert.deepEqual(
        lines.map((l) => [l.proto, l.client, l.username, l.result]),
        [
          ['smtp', OUTSIDE, 'alice', 'ok'],
          ['pop3', OUTSIDE, 'alice', 'invalid'],
          ['imap', OUTSIDE, 'alice', 'cleartext'],
        ],
      );
      assert.equal(lines[0]!.account, runtime.directory.userByLogin('alice')!.accountId);
      assert.ok(!text.join('').includes('alice-pw') && !text.join('').includes('Sup3r'), 'no password in the log');
    });
  });
});

// Hashes as an older directory stored them (see src/domain/directory/password/verify.test.ts).
const IMPORTED: [scheme: string, password: string, hash: string][] = [
  ['{SSHA}', 'secret', '{SSHA}gJu/C6NiwQuocBsaSRrkvupkCmW8ak39'],
  ['{SSHA512}', 'secret', '{SSHA512}WSuUEn+Ix8vZIU2EmjJUm1pnDAZLKGodN/n7tY27rbaSwg0LQI4hGP2lLzYrqSiDPinNe5aX3Iseo3LvBkfDUk6tCDpyALaG'],
  ['{SHA512-CRYPT}', 'Hello world!', '{SHA512-CRYPT}$6$saltstring$svn8UoSVapNtMuq1ukKS4tPQd8iKwSMHWjl/O817G3uBnIFNjnQJuesI68u4OTLiBFdcbYEdFCoEOfaS35inz1'],
  ['{BLF-CRYPT}', 'U*U', '{BLF-CRYPT}$2y$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW'],
];

describe('imported password hashes', () => {
  it('verify on login and are replaced by scrypt, by the system, on that login', async () => {
    await withTempRuntime(
      async (runtime) => {
        const ctx = userContext(runtime);
        for (const [i, [, , hash]] of IMPORTED.entries()) await runtime.directoryService.addUser(`old${i}@example.org`, ctx, { passwordHash: hash });
        await settled(runtime);
        const { auth } = authenticator(runtime);
        for (const [i, [scheme, password, hash]] of IMPORTED.entries()) {
          const address = `old${i}@example.org`;
          assert.equal((await auth.authenticate(login(address, password + '!'))).ok, false, `${scheme}: wrong password`);
          assert.equal((await auth.authenticate(login(address, password))).ok, true, `${scheme}: right password`);
          await settled(runtime);
          const upgraded = runtime.directory.userByLogin(address)!.passwordHash!;
          assert.match(upgraded, /^\$scrypt\$/, `${scheme} upgraded`);
          assert.notEqual(upgraded, hash);
          assert.equal((await auth.authenticate(login(address, password))).ok, true, `${scheme}: still the same password`);
          assert.equal(runtime.directory.userByLogin(address)!.passwordHash, upgraded, 'upgraded once');
        }
        const changes = (await runtime.storage.events.readStream('directory')).filter((r) => r.event.type === 'PasswordChanged');
        assert.equal(changes.length, IMPORTED.length);
        for (const r of changes) {
          assert.equal((r.event.data as { reason: string }).reason, 'rehash');
          assert.equal(r.event.meta.actor.kind, 'system');
        }
      },
      true,
      { config },
    );
  });
});
