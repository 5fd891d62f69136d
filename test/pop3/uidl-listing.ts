// What a POP3 client that leaves mail on the server remembers: each message's UIDL, found by
// UIDL and told apart by the Message-ID that TOP shows, over a real connection.
import assert from 'node:assert/strict';
import { Wire } from './wire.ts';

/** Message-ID of each message -> its UIDLs (two when two copies of one email are in INBOX). */
export async function uidlsByMessageId(port: number, user: string, password: string): Promise<Map<string, string[]>> {
  const wire = await Wire.connect(port);
  await wire.line();
  await wire.command(`USER ${user}`);
  assert.match(await wire.command(`PASS ${password}`), /^\+OK/);
  assert.equal(await wire.command('UIDL'), '+OK Unique-ID listing follows');
  const listing = (await wire.body()).split('\r\n').slice(0, -2).map((l) => l.split(' ') as [string, string]);
  const out = new Map<string, string[]>();
  for (const [number, uidl] of listing) {
    assert.match(uidl, /^[\x21-\x7e]{1,70}$/);
    assert.match(await wire.command(`TOP ${number} 0`), /^\+OK/);
    const messageId = /^Message-ID: (.*)$/m.exec(await wire.body())![1]!;
    out.set(messageId, [...(out.get(messageId) ?? []), uidl].sort());
  }
  assert.equal(new Set(listing.map(([, u]) => u)).size, listing.length, 'UIDLs are unique');
  await wire.command('QUIT');
  return out;
}
