// Real clients (nodemailer, python3's smtplib) against the three listeners.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { CLIENTS } from './clients.ts';
import { Dialog, envelope } from './dialog.ts';
import { DOMAIN, PASSWORD, message, startHarness, type Harness } from './harness.ts';

const alice = { user: `alice@${DOMAIN}`, pass: PASSWORD };

for (const [name, send] of Object.entries(CLIENTS)) {
  describe(`${name} against the MX listener`, () => {
    let h: Harness;
    before(async () => (h = await startHarness()));
    after(() => h.stop());

    it('delivers to a user, an alias, a group and a +tag address, each mailbox once', async () => {
      const id = `${name}-${randomUUID()}`;
      const to = [`bob@${DOMAIN}`, `postmaster@${DOMAIN}`, `team@${DOMAIN}`, `carol+news@${DOMAIN}`];
      const result = await send({ port: h.ports.smtp, security: 'plain', from: 'sender@client.example', to, raw: message(id) });
      assert.equal(result.ok, true, JSON.stringify(result));
      for (const [who, rcptTo] of [['alice', 'postmaster'], ['bob', 'bob'], ['carol', 'team']] as const) {
        const got = (await h.inbox(`${who}@${DOMAIN}`)).filter((m) => m.raw.includes(`<${id}@client.example>`));
        assert.equal(got.length, 1, `${who} has the message once`);
        const m = got[0]!;
        assert.match(m.raw, /^Return-Path: <sender@client\.example>\r\nReceived: from \S+client\.example \(\[127\.0\.0\.1\]\)/);
        assert.equal(m.summary.envelope.subject, `message ${id}`);
        assert.equal(m.source.kind, 'delivery');
        if (m.source.kind !== 'delivery') continue;
        assert.equal(m.source.mailFrom, 'sender@client.example');
        assert.equal(m.source.rcptTo, `${rcptTo}@${DOMAIN}`);
        assert.equal(m.source.clientAddress, '127.0.0.1');
      }
      const carol = (await h.inbox(`carol@${DOMAIN}`)).filter((m) => m.raw.includes(id));
      assert.equal(carol.length, 1, 'carol: by the group and by +tag, still one copy');
    });

    it('refuses an unknown user at RCPT with 550 5.1.1', async () => {
      const result = await send({ port: h.ports.smtp, security: 'plain', from: 'sender@client.example', to: [`nobody@${DOMAIN}`], raw: message('x') });
      assert.equal(result.ok, false);
      if (result.ok) return;
      assert.equal(result.code, 550);
      assert.match(result.text, /5\.1\.1/);
    });

    it('refuses to relay to another domain with 554 5.7.1', async () => {
      const result = await send({ port: h.ports.smtp, security: 'plain', from: 'sender@client.example', to: ['someone@remote.example'], raw: message('x') });
      assert.equal(result.ok, false);
      if (result.ok) return;
      assert.equal(result.code, 554);
      assert.match(result.text, /5\.7\.1/);
      assert.deepEqual(await h.outbound(), []);
    });
  });

  describe(`${name} against submission, outside the trusted networks`, () => {
    let h: Harness;
    before(async () => (h = await startHarness({ env: { POSTLOG_TRUSTED_NETWORKS: '10.0.0.0/8' } })));
    after(() => h.stop());

    it('accepts after STARTTLS and AUTH, and queues remote recipients for the relay', async () => {
      const id = `${name}-${randomUUID()}`;
      const to = [`bob@${DOMAIN}`, 'Zed@Remote.example', 'amy@other.example', 'bo@remote.example'];
      const result = await send({ port: h.ports.submission, security: 'starttls', auth: alice, from: `alice@${DOMAIN}`, to, raw: message(id) });
      assert.equal(result.ok, true, JSON.stringify(result));
      const bob = (await h.inbox(`bob@${DOMAIN}`)).filter((m) => m.raw.includes(id));
      assert.equal(bob.length, 1);
      assert.match(bob[0]!.raw, /with ESMTPSA id/);
      const queued = (await h.outbound()).filter((q) => q.mailFrom === `alice@${DOMAIN}` && bob[0]!.source.kind === 'delivery' && q.transactionId === bob[0]!.source.transactionId);
      assert.equal(queued.length, 1);
      assert.deepEqual(queued[0]!.recipients, [
        { domain: 'other.example', addresses: ['amy@other.example'] },
        { domain: 'remote.example', addresses: ['Zed@remote.example', 'bo@remote.example'] },
      ]);
      assert.equal(queued[0]!.blobId, bob[0]!.blobId, 'one stored message for both');
      assert.ok(bob[0]!.raw.slice(queued[0]!.start).startsWith('Received: '), 'the relay sends it without our Return-Path');
    });

    it('submission over implicit TLS accepts after AUTH', async () => {
      const id = `${name}-${randomUUID()}`;
      const result = await send({ port: h.ports.submissions, security: 'tls', auth: alice, from: `alice@${DOMAIN}`, to: [`carol@${DOMAIN}`], raw: message(id) });
      assert.equal(result.ok, true, JSON.stringify(result));
      assert.equal((await h.inbox(`carol@${DOMAIN}`)).filter((m) => m.raw.includes(id)).length, 1);
    });

    it('requires AUTH before MAIL (530 5.7.0)', async () => {
      const result = await send({ port: h.ports.submission, security: 'starttls', from: `alice@${DOMAIN}`, to: [`bob@${DOMAIN}`], raw: message('x') });
      assert.equal(result.ok, false);
      if (result.ok) return;
      assert.equal(result.code, 530);
      assert.match(result.text, /5\.7\.0/);
    });

    it('lets a user send only as its own addresses (553 5.7.1 otherwise)', async () => {
      const as = (from: string) => send({ port: h.ports.submission, security: 'starttls', auth: alice, from, to: [`bob@${DOMAIN}`], raw: message(randomUUID()) });
      const spoofed = await as(`bob@${DOMAIN}`);
      assert.equal(spoofed.ok, false);
      if (!spoofed.ok) {
        assert.equal(spoofed.code, 553);
        assert.match(spoofed.text, /5\.7\.1/);
      }
      assert.equal((await as(`a.smith@${DOMAIN}`)).ok, true, 'an alias of hers');
      assert.equal((await as(`alice+lists@${DOMAIN}`)).ok, true, 'a +tag of hers');
    });

    it('refuses a wrong password with 535 5.7.8', async () => {
      const result = await send({ port: h.ports.submission, security: 'starttls', auth: { ...alice, pass: 'wrong' }, from: `alice@${DOMAIN}`, to: [`bob@${DOMAIN}`], raw: message('x') });
      assert.equal(result.ok, false);
      if (!result.ok) assert.equal(result.code, 535);
    });
  });
}

describe('submission rules on the wire', () => {
  let h: Harness;
  before(async () => (h = await startHarness({ env: { POSTLOG_TRUSTED_NETWORKS: '10.0.0.0/8' } })));
  after(() => h.stop());

  it('refuses a password in clear before STARTTLS (538 5.7.11), takes it after', async () => {
    const { dialog } = await Dialog.open(h.ports.submission);
    const ehlo = await dialog.send('EHLO client.example');
    assert.ok(ehlo.lines.some((l) => l.includes('STARTTLS')));
    assert.ok(ehlo.lines.some((l) => /AUTH PLAIN LOGIN/.test(l)));
    const token = Buffer.from(`\0alice@${DOMAIN}\0${PASSWORD}`).toString('base64');
    const clear = await dialog.send(`AUTH PLAIN ${token}`);
    assert.equal(clear.code, 538);
    assert.match(clear.text, /^5\.7\.11 /);
    assert.equal((await dialog.startTls()).code, 220);
    await dialog.send('EHLO client.example');
    const secure = await dialog.send(`AUTH PLAIN ${token}`);
    assert.equal(secure.code, 235);
    assert.equal((await dialog.send(`MAIL FROM:<alice@${DOMAIN}>`)).code, 250);
    dialog.close();
  });

  it('offers no AUTH on the MX listener', async () => {
    const { dialog } = await Dialog.open(h.ports.smtp);
    const [ehlo] = await envelope(dialog, 'x@client.example', []);
    assert.ok(!ehlo!.lines.some((l) => l.includes('AUTH')));
    for (const ext of ['PIPELINING', 'SIZE 52428800', '8BITMIME', 'SMTPUTF8', 'ENHANCEDSTATUSCODES', 'STARTTLS']) {
      assert.ok(ehlo!.lines.some((l) => l.slice(4) === ext), ext);
    }
    dialog.close();
  });
});

describe('submission from a trusted network', () => {
  let h: Harness;
  before(async () => (h = await startHarness()));
  after(() => h.stop());

  it('needs no AUTH and may send to other domains', async () => {
    const result = await CLIENTS.smtplib({ port: h.ports.submission, security: 'plain', from: 'app@example.test', to: ['x@remote.example'], raw: message('trusted') });
    assert.equal(result.ok, true, JSON.stringify(result));
    assert.deepEqual((await h.outbound()).map((q) => q.recipients), [[{ domain: 'remote.example', addresses: ['x@remote.example'] }]]);
  });
});
