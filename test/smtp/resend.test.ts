// A client that lost our 250 sends again: the message is stored once. A different message that
// happens to reuse a Message-ID is a different message. A storage failure answers 451 and the
// retry completes the delivery without doubling any of it.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { Dialog, envelope } from './dialog.ts';
import { DOMAIN, message, startHarness, type Harness } from './harness.ts';

const FROM = 'sender@client.example';

/** Sends the whole transaction, then drops the connection without reading the reply to DATA. */
async function sendAndHangUp(port: number, to: readonly string[], raw: string): Promise<void> {
  const { dialog } = await Dialog.open(port);
  await envelope(dialog, FROM, to);
  assert.equal((await dialog.send('DATA')).code, 354);
  dialog.write(raw.replace(/(^|\n)\./g, '$1..') + '.\r\n');
  dialog.close();
}

async function send(port: number, to: readonly string[], raw: string) {
  const { dialog } = await Dialog.open(port);
  const replies = await envelope(dialog, FROM, to);
  assert.ok(replies.every((r) => r.code === 250), JSON.stringify(replies));
  const reply = await dialog.data(raw);
  await dialog.send('QUIT');
  return reply;
}

const copies = async (h: Harness, who: string, needle: string) => (await h.inbox(`${who}@${DOMAIN}`)).filter((m) => m.raw.includes(needle));

describe('resends and duplicates', () => {
  let h: Harness;
  before(async () => (h = await startHarness()));
  after(() => h.stop());

  it('a resend after a lost 250 is accepted and stored once', async () => {
    const id = randomUUID();
    const raw = message(id);
    await sendAndHangUp(h.ports.smtp, [`bob@${DOMAIN}`, `team@${DOMAIN}`], raw);
    // the server finishes storing what it received in full, though nobody hears its 250
    for (let i = 0; (await copies(h, 'carol', id)).length === 0; i++) {
      assert.ok(i < 100, 'the first copy was stored');
      await new Promise((r) => setTimeout(r, 20));
    }
    const again = await send(h.ports.smtp, [`bob@${DOMAIN}`, `team@${DOMAIN}`], raw);
    assert.equal(again.code, 250);
    assert.equal((await copies(h, 'bob', id)).length, 1);
    assert.equal((await copies(h, 'carol', id)).length, 1);
  });

  it('recognises the resend after a restart too', async () => {
    const id = randomUUID();
    const raw = message(id);
    assert.equal((await send(h.ports.smtp, [`bob@${DOMAIN}`], raw)).code, 250);
    await h.restart();
    assert.equal((await send(h.ports.smtp, [`bob@${DOMAIN}`], raw)).code, 250);
    assert.equal((await copies(h, 'bob', id)).length, 1);
  });

  it('delivers the same bytes to a recipient that did not have them yet', async () => {
    const id = randomUUID();
    const raw = message(id);
    await send(h.ports.smtp, [`bob@${DOMAIN}`], raw);
    await send(h.ports.smtp, [`bob@${DOMAIN}`, `alice@${DOMAIN}`], raw);
    assert.equal((await copies(h, 'bob', id)).length, 1);
    assert.equal((await copies(h, 'alice', id)).length, 1);
  });

  it('delivers two different messages that share a Message-ID', async () => {
    const id = randomUUID();
    await send(h.ports.smtp, [`bob@${DOMAIN}`], message(id, `bob@${DOMAIN}`, 'first text'));
    await send(h.ports.smtp, [`bob@${DOMAIN}`], message(id, `bob@${DOMAIN}`, 'second text'));
    const got = await copies(h, 'bob', `<${id}@client.example>`);
    assert.equal(got.length, 2);
    assert.ok(got[0]!.raw.includes('first text') && got[1]!.raw.includes('second text'));
  });

  it('answers 451 4.3.0 when storing fails part-way, and the retry fills in without doubling', async () => {
    const id = randomUUID();
    const raw = message(id);
    const mail = h.runtime.mail;
    const deliver = mail.deliver.bind(mail);
    let failures = 0;
    mail.deliver = async (accountId, m, ctx) => {
      if (accountId === h.accounts.carol && failures++ === 0) throw new Error('disk on fire');
      return deliver(accountId, m, ctx);
    };
    try {
      const first = await send(h.ports.smtp, [`bob@${DOMAIN}`, `carol@${DOMAIN}`], raw);
      assert.equal(first.code, 451);
      assert.match(first.text, /^4\.3\.0 /);
      assert.ok(!first.text.includes('disk on fire'), 'no internal detail on the wire');
      assert.equal((await copies(h, 'carol', id)).length, 0);
      const retry = await send(h.ports.smtp, [`bob@${DOMAIN}`, `carol@${DOMAIN}`], raw);
      assert.equal(retry.code, 250);
    } finally {
      mail.deliver = deliver;
    }
    assert.equal((await copies(h, 'bob', id)).length, 1);
    assert.equal((await copies(h, 'carol', id)).length, 1);
  });

  it('answers 451 4.3.0 and stores nothing when the blob store fails', async () => {
    const id = randomUUID();
    const blobs = h.runtime.storage.blobs;
    const put = blobs.put.bind(blobs);
    blobs.put = async () => {
      throw new Error('no space left on device');
    };
    try {
      const reply = await send(h.ports.smtp, [`bob@${DOMAIN}`], message(id));
      assert.equal(reply.code, 451);
      assert.match(reply.text, /^4\.3\.0 /);
    } finally {
      blobs.put = put;
    }
    assert.equal((await copies(h, 'bob', id)).length, 0);
  });
});

describe('the resend window', () => {
  let h: Harness;
  before(async () => (h = await startHarness({ smtp: { resendWindowHours: 0.5 / 3600 } })));
  after(() => h.stop());

  it('delivers the same message again once the window has passed', async () => {
    const id = randomUUID();
    const raw = message(id);
    await send(h.ports.smtp, [`bob@${DOMAIN}`], raw);
    await send(h.ports.smtp, [`bob@${DOMAIN}`], raw);
    assert.equal((await copies(h, 'bob', id)).length, 1, 'inside the window');
    await new Promise((r) => setTimeout(r, 700));
    await send(h.ports.smtp, [`bob@${DOMAIN}`], raw);
    assert.equal((await copies(h, 'bob', id)).length, 2, 'after the window');
  });
});
