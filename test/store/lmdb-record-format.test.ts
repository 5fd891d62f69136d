// How a message's summary sits in the LMDB log: as MessagePack bytes of its own, decoded when
// first read. What a user would notice if this broke: a message whose envelope or structure
// comes back wrong after a restart, a merge or a copy between stores, or a log written before
// this layout that no longer reads.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { Packr } from 'msgpackr';
import { recordEncoder } from '../../src/store/lmdb/record-codec.ts';
import { withFields } from '../../src/domain/event.ts';
import { anEvent } from './contract.ts';
import { openTempStorage } from './temp-storage.ts';

const summary = {
  envelope: { subject: 'Grüße', from: [{ name: 'Ann', adl: null, mailbox: 'ann', host: 'example.net' }], cc: null },
  body: { type: 'multipart', subtype: 'mixed', parts: [{ type: 'text', subtype: 'plain', params: [['charset', 'utf-8']], lines: 3 }] },
  size: 1234,
  references: ['<a@example.net>'],
};
const appended = () => anEvent({ mailboxId: 'm1', uid: 7, flags: ['\\Seen'], summary }, 'MessageAppended');
// Any MessagePack decoder, as a tool reading the log would use.
const plain = new Packr({ useRecords: false } as ConstructorParameters<typeof Packr>[0]);

describe('lmdb: the record of a message summary', () => {
  it('stores the summary as a MessagePack bin that any decoder reads in two steps', () => {
    const event = appended();
    const bytes = recordEncoder.encode({ stream: 'mailbox-m1', revision: 0, event });
    const raw = plain.unpack(bytes) as { event: { data: { summary: unknown; uid: number } } };
    assert.ok(raw.event.data.summary instanceof Uint8Array);
    assert.deepEqual(plain.unpack(raw.event.data.summary as Uint8Array), summary);
    assert.equal(raw.event.data.uid, 7);
  });

  it('reads back the same summary, though the buffer it was read from is reused', () => {
    const bytes = Buffer.from(recordEncoder.encode({ stream: 'mailbox-m1', revision: 0, event: appended() }));
    const record = recordEncoder.decode(bytes) as { event: { data: { summary: unknown } } };
    bytes.fill(0);
    assert.deepEqual(record.event.data.summary, summary);
  });

  it('reads a record written with the summary inline, as logs written before this layout hold it', () => {
    const event = appended();
    const record = recordEncoder.decode(plain.pack({ stream: 'mailbox-m1', revision: 0, event })) as { event: unknown };
    assert.deepEqual(record.event, event);
  });

  it('copies an event read from one store into another intact, whether or not its summary was looked at', async () => {
    const a = await openTempStorage();
    const b = await openTempStorage();
    try {
      const events = [appended(), appended()];
      await a.storage.events.append('mailbox-m1', events);
      const read = (await a.storage.events.readStream('mailbox-m1')).map((r) => r.event);
      assert.equal((read[1]!.data as { summary: { size: number } }).summary.size, 1234, 'the second one is looked at');
      await b.storage.events.append('mailbox-m1', read);
      const copied = (await b.storage.events.readStream('mailbox-m1')).map((r) => r.event);
      assert.deepEqual(copied, events);
      assert.deepEqual({ ...copied[0]!.data as object }, events[0]!.data, 'a spread copies the summary too');

      // As a merge places a copy under another UID: the summary goes along, decoded or not.
      const fresh = (await b.storage.events.readStream('mailbox-m1')).map((r) => r.event);
      const moved = fresh.map((e) => ({ ...e, data: withFields(e.data as { uid: number }, { uid: 9 }), meta: { ...e.meta, eventId: randomUUID() } }));
      await b.storage.events.append('mailbox-m2', moved);
      const stillEncoded = (data: unknown) => Object.getOwnPropertyDescriptor(data, 'summary')?.get !== undefined;
      assert.ok(stillEncoded(moved[0]!.data), 'storing the copy did not decode its summary');
      const again = (await b.storage.events.readStream('mailbox-m2')).map((r) => r.event.data);
      assert.deepEqual(again, events.map((e) => ({ ...(e.data as object), uid: 9 })));
    } finally {
      await a.close();
      await b.close();
    }
  });
});
