// POP3 authentication and TLS over the wire: SASL PLAIN/LOGIN, STLS, implicit TLS, the
// cleartext rule, response codes (RFC 2449 / RFC 3206), and an internal failure.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import pino from 'pino';
import { commandContext } from '../../src/frontends/context.ts';
import { pop3Options, runtimeServices, startPop3 } from '../../src/frontends/pop3/front-end.ts';
import { loadTls } from '../../src/frontends/tls.ts';
import { PASSWORD, startHarness, type Harness } from './harness.ts';
import { Wire } from './wire.ts';

const b64 = (text: string) => Buffer.from(text, 'utf8').toString('base64');
const CAPS_TAIL = ['EXPIRE NEVER', 'IMPLEMENTATION postlog'];

async function greeted(port: number, tls = false): Promise<Wire> {
  const wire = await Wire.connect(port, tls);
  assert.equal(await wire.line(), '+OK localhost POP3 server ready');
  return wire;
}

async function capa(wire: Wire): Promise<string[]> {
  assert.equal(await wire.command('CAPA'), '+OK Capability list follows');
  return (await wire.body()).split('\r\n').slice(0, -2);
}

describe('POP3 authentication and TLS', () => {
  let h: Harness;
  const address = 'sasl@example.test';

  before(async () => {
    h = await startHarness();
    await h.addUser(address);
    await h.addUser('other@example.test');
  });
  after(() => h.stop());

  it('lists its capabilities per state and port', async () => {
    const wire = await greeted(h.pop3);
    const common = ['TOP', 'UIDL', 'RESP-CODES', 'AUTH-RESP-CODE', 'PIPELINING'];
    assert.deepEqual(await capa(wire), [...common, 'USER', 'SASL PLAIN LOGIN', 'STLS', ...CAPS_TAIL]);
    await wire.command(`USER ${address}`);
    await wire.command(`PASS ${PASSWORD}`);
    assert.deepEqual(await capa(wire), [...common, ...CAPS_TAIL]);
    await wire.command('QUIT');
    const secure = await greeted(h.pop3s, true);
    assert.deepEqual(await capa(secure), [...common, 'USER', 'SASL PLAIN LOGIN', ...CAPS_TAIL]);
    assert.equal(await secure.command('STLS'), '-ERR TLS is already active');
    assert.equal(await secure.command('AUTH'), '+OK Supported mechanisms follow');
    assert.equal(await secure.body(), 'PLAIN\r\nLOGIN\r\n.\r\n');
    secure.drop();
  });

  it('AUTH PLAIN with and without an initial response; AUTH LOGIN in two steps and with one', async () => {
    const plain = b64(`\0${address}\0${PASSWORD}`);
    const ways: [string, string[]][] = [
      [`AUTH PLAIN ${plain}`, []],
      ['AUTH PLAIN', [plain]],
      ['auth login', [b64(address), b64(PASSWORD)]],
      [`AUTH LOGIN ${b64(address)}`, [b64(PASSWORD)]],
      [`AUTH PLAIN ${b64(`${address}\0${address}\0${PASSWORD}`)}`, []],
    ];
    for (const [first, answers] of ways) {
      const wire = await greeted(h.pop3);
      let reply = await wire.command(first);
      const prompts = first.toUpperCase().startsWith('AUTH LOGIN') ? ['+ VXNlcm5hbWU6', '+ UGFzc3dvcmQ6'].slice(2 - answers.length) : answers.length ? ['+ '] : [];
      for (const [i, answer] of answers.entries()) {
        assert.equal(reply, prompts[i], first);
        reply = await wire.command(answer);
      }
      assert.match(reply, /^\+OK Logged in; maildrop has 0 messages/, first);
      assert.equal(await wire.command('QUIT'), '+OK localhost POP3 server signing off (0 messages deleted)');
      await wire.waitClosed();
    }
  });

  it('refuses bad SASL exchanges with the right codes and stays in authorization', async () => {
    const wire = await greeted(h.pop3);
    assert.equal(await wire.command(`AUTH PLAIN ${b64(`\0${address}\0wrong`)}`), '-ERR [AUTH] Authentication failed');
    assert.equal(await wire.command('AUTH LOGIN'), '+ VXNlcm5hbWU6');
    assert.equal(await wire.command('*'), '-ERR Authentication cancelled');
    assert.equal(await wire.command('AUTH PLAIN'), '+ ');
    assert.equal(await wire.command('not base64!'), '-ERR Invalid base64 in SASL response');
    assert.equal(await wire.command(`AUTH PLAIN ${b64(`other@example.test\0${address}\0${PASSWORD}`)}`), '-ERR [AUTH] Authorization identity not permitted');
    assert.equal(await wire.command('AUTH CRAM-MD5'), '-ERR Unsupported authentication mechanism');
    assert.equal(await wire.command('AUTH PLAIN'), '+ ');
    wire.write(`${'A'.repeat(9000)}\r\n`);
    assert.equal(await wire.line(), '-ERR Line too long');
    assert.equal(await wire.command(`USER ${address}`), '+OK Send PASS');
    assert.equal(await wire.command('PASS wrong'), '-ERR [AUTH] Authentication failed');
    assert.equal(await wire.command(`PASS ${PASSWORD}`), '-ERR Send USER first');
    assert.equal(await wire.command(`USER ${address}`), '+OK Send PASS');
    assert.match(await wire.command(`PASS ${PASSWORD}`), /^\+OK Logged in/);
    wire.drop();
  });

  it('STLS upgrades the plain port, drops what was pipelined in clear, and is refused once active', async () => {
    const wire = await greeted(h.pop3);
    wire.write('STLS\r\nUSER injected@example.test\r\n');
    assert.equal(await wire.line(), '+OK Begin TLS negotiation now');
    await wire.startTls();
    assert.ok(!(await capa(wire)).includes('STLS'));
    assert.equal(await wire.command('STLS'), '-ERR TLS is already active');
    // the USER sent in clear was never acted on: PASS has no user
    assert.equal(await wire.command(`PASS ${PASSWORD}`), '-ERR Send USER first');
    assert.equal(await wire.command(`USER ${address}`), '+OK Send PASS');
    assert.match(await wire.command(`PASS ${PASSWORD}`), /^\+OK Logged in/);
    assert.equal(await wire.command('QUIT'), '+OK localhost POP3 server signing off (0 messages deleted)');
  });

  it('a disabled account is refused with [SYS/PERM]', async () => {
    const accountId = await h.addUser('disabled@example.test');
    await h.runtime.directoryService.setEnabled(accountId, false, commandContext({ kind: 'admin', id: 'test' }, h.runtime.origin));
    await h.runtime.runner.waitFor(await h.runtime.storage.events.headPosition());
    const wire = await greeted(h.pop3);
    await wire.command('USER disabled@example.test');
    assert.equal(await wire.command(`PASS ${PASSWORD}`), '-ERR [SYS/PERM] Account disabled; contact your administrator');
    wire.drop();
  });

  it('an internal failure answers [SYS/TEMP], logs with the connection id, and the session goes on', async () => {
    const lines: string[] = [];
    const logger = pino({ level: 'info' }, { write: (line: string) => void lines.push(line) });
    const services = runtimeServices(h.runtime);
    let maildropFails = true;
    const broken = {
      ...services,
      maildrop: (accountId: string) => {
        if (!maildropFails) return services.maildrop(accountId);
        maildropFails = false;
        return Promise.reject(new Error('read model unavailable'));
      },
      message: () => new Readable({ read() { this.destroy(new Error('disk on fire at /secret/path')); } }),
    };
    const server = await startPop3({
      services: broken,
      options: pop3Options(h.config),
      tls: await loadTls(h.config, h.dataDir),
      logger,
      host: '127.0.0.1',
      ports: { pop3: 0, pop3s: 0 },
    });
    try {
      const accountId = (await h.runtime.mail.accountOf(address))!;
      await h.deliver(accountId, 'Subject: x\r\n\r\ny\r\n');
      const first = await greeted(server.listeners[0]!.port);
      await first.command(`USER ${address}`);
      assert.equal(await first.command(`PASS ${PASSWORD}`), '-ERR [SYS/TEMP] Temporary failure; try again later');
      // the failed login gave the maildrop lock back
      const wire = await greeted(server.listeners[0]!.port);
      await wire.command(`USER ${address}`);
      assert.match(await wire.command(`PASS ${PASSWORD}`), /^\+OK Logged in/);
      assert.equal(await wire.command('RETR 1'), '-ERR [SYS/TEMP] Temporary failure; try again later');
      assert.equal(await wire.command('NOOP'), '+OK');
      assert.equal(await wire.command('QUIT'), '+OK localhost POP3 server signing off (0 messages deleted)');
      await wire.waitClosed();
      const failure = lines.map((l) => JSON.parse(l)).find((l) => l.msg === 'command failed' && l.user);
      assert.ok(failure, 'the failure is logged');
      assert.equal(failure.proto, 'pop3');
      assert.equal(failure.user, address);
      assert.ok(failure.cid);
      assert.ok(!lines.join('').includes(PASSWORD), 'no password in the log');
    } finally {
      await server.close();
    }
  });
});

describe('POP3 outside trusted networks, and LOGIN-DELAY', () => {
  let h: Harness;
  const address = 'remote@example.test';

  before(async () => {
    h = await startHarness({ env: { POSTLOG_TRUSTED_NETWORKS: '' }, pop3: { loginDelay: 300, expire: 30 } });
    await h.addUser(address);
  });
  after(() => h.stop());

  it('refuses passwords in clear before STLS with [AUTH], and accepts them after', async () => {
    const wire = await greeted(h.pop3);
    const caps = await capa(wire);
    assert.ok(!caps.includes('USER') && !caps.some((c) => c.startsWith('SASL')), caps.join(','));
    assert.ok(caps.includes('STLS') && caps.includes('LOGIN-DELAY 300') && caps.includes('EXPIRE 30'));
    assert.equal(await wire.command(`USER ${address}`), '-ERR [AUTH] Plaintext authentication disallowed before STLS');
    assert.equal(await wire.command(`AUTH PLAIN ${b64(`\0${address}\0${PASSWORD}`)}`), '-ERR [AUTH] Plaintext authentication disallowed before STLS');
    assert.equal(await wire.command('STLS'), '+OK Begin TLS negotiation now');
    await wire.startTls();
    assert.ok((await capa(wire)).includes('USER'));
    assert.match(await wire.command(`AUTH PLAIN ${b64(`\0${address}\0${PASSWORD}`)}`), /^\+OK Logged in/);
    assert.equal(await wire.command('QUIT'), '+OK localhost POP3 server signing off (0 messages deleted)');
    // a second login within LOGIN-DELAY seconds
    const again = await greeted(h.pop3s, true);
    await again.command(`USER ${address}`);
    assert.equal(await again.command(`PASS ${PASSWORD}`), '-ERR [LOGIN-DELAY] Logged in too recently; try again later');
    again.drop();
  });
});
