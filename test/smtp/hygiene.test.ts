// Awkward messages and awkward clients: each gets a defined answer, and the server goes on
// serving everyone else.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { connect } from 'node:net';
import { CLIENTS } from './clients.ts';
import { Dialog, envelope } from './dialog.ts';
import { DOMAIN, message, startHarness, type Harness } from './harness.ts';

const BOB = `bob@${DOMAIN}`;
const LIMIT = 64 * 1024;

async function transaction(port: number, raw: string | Buffer, mailArgs = '') {
  const { dialog } = await Dialog.open(port);
  await dialog.send('EHLO client.example');
  const mail = await dialog.send(`MAIL FROM:<sender@client.example>${mailArgs}`);
  const rcpt = await dialog.send(`RCPT TO:<${BOB}>`);
  const data = mail.code === 250 && rcpt.code === 250 ? await dialog.data(raw) : mail;
  return { dialog, data };
}

/** A normal message from another client still goes through. */
async function stillServing(h: Harness): Promise<void> {
  const id = randomUUID();
  const result = await CLIENTS.nodemailer({ port: h.ports.smtp, security: 'plain', from: 'other@client.example', to: [BOB], raw: message(id) });
  assert.equal(result.ok, true, JSON.stringify(result));
}

const inboxWith = async (h: Harness, needle: string) => (await h.inbox(BOB)).filter((m) => m.raw.includes(needle));

describe('awkward messages', () => {
  let h: Harness;
  before(async () => (h = await startHarness({ limits: { maxMessageSize: LIMIT } })));
  after(() => h.stop());

  it('refuses an oversized message with 552 5.3.4, keeps nothing, and the session goes on', async () => {
    const id = randomUUID();
    const { dialog, data } = await transaction(h.ports.smtp, message(id, BOB, 'x'.repeat(LIMIT)));
    assert.equal(data.code, 552);
    assert.match(data.text, /^5\.3\.4 /);
    assert.deepEqual(await inboxWith(h, id), []);
    const declared = await dialog.send(`MAIL FROM:<sender@client.example> SIZE=${LIMIT + 1}`);
    assert.equal(declared.code, 552, 'a declared size over the limit is refused at MAIL');
    assert.equal((await dialog.send('MAIL FROM:<sender@client.example>')).code, 250);
    assert.equal((await dialog.send(`RCPT TO:<${BOB}>`)).code, 250);
    assert.equal((await dialog.data(message(`${id}-small`))).code, 250);
    dialog.close();
    await stillServing(h);
  });

  it('takes 8-bit and UTF-8 header fields with SMTPUTF8 and reads them into the summary', async () => {
    const id = randomUUID();
    const raw = message(id).replace(`Subject: message ${id}`, `Subject: Grüße aus Köln — 日本語 ${id}`).replace('Body of', 'Bödy öf');
    const result = await CLIENTS.smtplib({ port: h.ports.smtp, security: 'plain', from: 'jörg@client.example', to: [BOB], raw });
    assert.equal(result.ok, true, JSON.stringify(result));
    const [stored] = await inboxWith(h, id);
    assert.equal(stored!.summary.envelope.subject, `Grüße aus Köln — 日本語 ${id}`);
    assert.match(stored!.raw, /^Return-Path: <jörg@client\.example>\r\n/);
    assert.match(stored!.raw, /with UTF8SMTP id/);
    const { dialog, data } = await transaction(h.ports.smtp, Buffer.from(message(`${id}-8bit`).replace('Body of', 'Bödy öf'), 'latin1'), ' BODY=8BITMIME');
    assert.equal(data.code, 250);
    dialog.close();
  });

  it('stores bare LF line endings as CRLF', async () => {
    const id = randomUUID();
    const { dialog, data } = await transaction(h.ports.smtp, `Subject: lf ${id}\nFrom: a@client.example\n\nline one\nline two`);
    assert.equal(data.code, 250);
    dialog.close();
    const [stored] = await inboxWith(h, id);
    assert.equal(stored!.summary.envelope.subject, `lf ${id}`);
    assert.ok(stored!.raw.endsWith(`Subject: lf ${id}\r\nFrom: a@client.example\r\n\r\nline one\r\nline two\r\n`));
    assert.ok(!/[^\r]\n/.test(stored!.raw));
  });

  it('stores a message with no header at all as a body under our trace fields', async () => {
    const id = randomUUID();
    const { dialog, data } = await transaction(h.ports.smtp, `just a body ${id}\r\nand more\r\n`);
    assert.equal(data.code, 250);
    dialog.close();
    const [stored] = await inboxWith(h, id);
    assert.match(stored!.raw, /\r\n\r\njust a body /);
    assert.equal(stored!.summary.envelope.subject, null);
  });

  it('takes a 10,000-line header block while another client is served', async () => {
    const id = randomUUID();
    const filler = Array.from({ length: 10_000 }, (_, i) => `X-Filler-${i}: ${'v'.repeat(20)}`).join('\r\n');
    const big = await startHarness({ limits: { maxMessageSize: 10 * 1024 * 1024 } });
    try {
      const huge = transaction(big.ports.smtp, `${filler}\r\nSubject: huge ${id}\r\n\r\nbody\r\n`);
      const started = Date.now();
      await stillServing(big);
      const other = Date.now() - started;
      const { dialog, data } = await huge;
      assert.equal(data.code, 250);
      dialog.close();
      const [stored] = (await big.inbox(BOB)).filter((m) => m.raw.includes(id));
      assert.ok(stored, 'stored');
      assert.ok(stored.raw.includes('X-Filler-9999: '));
      assert.ok(other < 5000, `the other client waited ${other} ms`);
    } finally {
      await big.stop();
    }
  });
});

describe('awkward clients', () => {
  let h: Harness;
  before(
    async () =>
      (h = await startHarness({ smtp: { maxRecipients: 2, maxConnectionsPerClient: 3, maxRefusedCommands: 3, idleTimeout: 1 } })),
  );
  after(() => h.stop());

  it('refuses a client that talks before the greeting with 421', async () => {
    const socket = connect({ port: h.ports.smtp, host: '127.0.0.1' });
    socket.on('error', () => {});
    let text = '';
    socket.on('data', (d) => (text += d));
    socket.on('connect', () => socket.write('EHLO early.example\r\n'));
    await new Promise((resolve) => socket.on('close', resolve));
    assert.match(text, /^421 /m);
    await stillServing(h);
  });

  it('closes with 421 after too many unknown commands', async () => {
    const { dialog } = await Dialog.open(h.ports.smtp);
    let last;
    for (let i = 0; i < 10; i++) last = await dialog.send(`BOGUS${i}`);
    assert.equal(last!.code, 421);
    await dialog.closed;
  });

  it('closes with 421 4.7.0 after too many refused recipients', async () => {
    const { dialog } = await Dialog.open(h.ports.smtp);
    const replies = await envelope(dialog, 'sender@client.example', ['a@remote.example', `nobody@${DOMAIN}`, 'b@remote.example', `none@${DOMAIN}`]);
    assert.deepEqual(replies.slice(2).map((r) => r.code), [554, 550, 554, 421]);
    assert.match(replies.at(-1)!.text, /^4\.7\.0 /);
    await dialog.closed;
    await stillServing(h);
  });

  it('caps recipients per message with 452 4.5.3', async () => {
    const { dialog } = await Dialog.open(h.ports.smtp);
    const replies = await envelope(dialog, 'sender@client.example', [BOB, `alice@${DOMAIN}`, `carol@${DOMAIN}`]);
    assert.equal(replies.at(-1)!.code, 452);
    assert.match(replies.at(-1)!.text, /^4\.5\.3 /);
    dialog.close();
  });

  it('caps connections per client address with 421 4.7.0', async () => {
    const open = await Promise.all([1, 2, 3].map(() => Dialog.open(h.ports.smtp)));
    assert.ok(open.every((o) => o.greeting.code === 220));
    const fourth = await Dialog.open(h.ports.smtp);
    assert.equal(fourth.greeting.code, 421);
    assert.match(fourth.greeting.text, /^4\.7\.0 /);
    for (const o of open) o.dialog.close();
    await Promise.all(open.map((o) => o.dialog.closed));
    await new Promise((r) => setTimeout(r, 50));
    await stillServing(h);
  });

  it('lets a connection go once it has answered QUIT, though the client keeps its end open', async () => {
    // Clients that never close their end would otherwise hold their address's connection slots.
    const lingering = await Promise.all([1, 2, 3].map(() => Dialog.open(h.ports.smtp, { halfOpen: true })));
    assert.ok(lingering.every((o) => o.greeting.code === 220));
    for (const { dialog } of lingering) assert.equal((await dialog.send('QUIT')).code, 221);
    await new Promise((r) => setTimeout(r, 50));
    const next = await Dialog.open(h.ports.smtp);
    assert.equal(next.greeting.code, 220);
    next.dialog.close();
    for (const { dialog } of lingering) dialog.close();
  });

  it('closes an idle connection with 421', async () => {
    const { dialog } = await Dialog.open(h.ports.smtp);
    await dialog.send('EHLO client.example');
    const reply = await dialog.read();
    assert.equal(reply.code, 421);
    await dialog.closed;
  });
});

describe('the greeting pause', () => {
  /** What a client that sends EHLO `after` ms into the connection is told. */
  async function talkAfter(port: number, after: number): Promise<string> {
    const socket = connect({ port, host: '127.0.0.1' });
    socket.on('error', () => {});
    let text = '';
    socket.on('data', (d) => (text += d));
    socket.on('connect', () => setTimeout(() => socket.write('EHLO patient.example\r\nQUIT\r\n'), after));
    await new Promise((resolve) => socket.on('close', resolve));
    return text;
  }

  it('is configured: with a long pause, a client that talks before it is refused; with none, it is greeted at once', async () => {
    const slow = await startHarness({ smtp: { greetingPauseMs: 1500 } });
    try {
      assert.match(await talkAfter(slow.ports.smtp, 300), /^421 /m);
      await stillServing(slow);
    } finally {
      await slow.stop();
    }
    const eager = await startHarness({ smtp: { greetingPauseMs: 0 } });
    try {
      const text = await talkAfter(eager.ports.smtp, 300);
      assert.match(text, /^220 /m);
      assert.match(text, /^250[- ]/m);
      assert.doesNotMatch(text, /^421 /m);
    } finally {
      await eager.stop();
    }
  });

  it('is skipped by a client that once waited for its greeting, for greetingPassHours, and never by an early talker', async () => {
    const screened = await startHarness({ smtp: { greetingPauseMs: 800 } });
    try {
      assert.match(await talkAfter(screened.ports.smtp, 200), /^421 /m, 'an early talker is refused');
      assert.match(await talkAfter(screened.ports.smtp, 200), /^421 /m, 'and is screened again on its next connection');
      assert.match(await talkAfter(screened.ports.smtp, 1200), /^250[- ]/m, 'a client that waits is greeted');
      const next = await talkAfter(screened.ports.smtp, 200);
      assert.match(next, /^220 /m, 'its next connection is greeted at once');
      assert.doesNotMatch(next, /^421 /m);
    } finally {
      await screened.stop();
    }
    const always = await startHarness({ smtp: { greetingPauseMs: 800, greetingPassHours: 0 } });
    try {
      assert.match(await talkAfter(always.ports.smtp, 1200), /^250[- ]/m);
      assert.match(await talkAfter(always.ports.smtp, 200), /^421 /m, 'with no pass, every connection waits');
    } finally {
      await always.stop();
    }
  });
});
