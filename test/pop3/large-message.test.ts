// A message of megabytes streams out whole and exact (dot-stuffed across the store's chunks and
// the socket's writes), and TOP cuts it at the right line.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { PASSWORD, startHarness, type Harness } from './harness.ts';
import { Wire } from './wire.ts';

describe('POP3 large message', () => {
  let h: Harness;
  const lines = ['Subject: big', 'From: a@example.net', ''];
  for (let i = 0; i < 25_000; i++) lines.push(i % 7 === 0 ? `.dot line ${i} ${'x'.repeat(40)}` : `line ${i} ${'y'.repeat(50)}`);
  const raw = lines.join('\r\n') + '\r\n';
  const stuff = (text: string) => text.replace(/\r\n\./g, '\r\n..');

  before(async () => {
    h = await startHarness();
    await h.deliver(await h.addUser('big@example.test'), raw);
  });
  after(() => h.stop());

  it('RETR sends every byte, dot-stuffed; TOP stops after n body lines', async () => {
    const wire = await Wire.connect(h.pop3);
    await wire.line();
    await wire.command('USER big@example.test');
    await wire.command(`PASS ${PASSWORD}`);
    assert.equal(await wire.command('RETR 1'), `+OK ${Buffer.byteLength(raw)} octets`);
    assert.equal(await wire.body(20_000), stuff(raw) + '.\r\n');
    assert.equal(await wire.command('TOP 1 12345'), '+OK Top of message follows');
    assert.equal(await wire.body(20_000), stuff(lines.slice(0, 3 + 12_345).join('\r\n')) + '\r\n.\r\n');
    assert.equal(await wire.command('QUIT'), '+OK localhost POP3 server signing off (0 messages deleted)');
  });
});
