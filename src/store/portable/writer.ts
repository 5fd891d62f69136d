// Writes an export file: the header, the blobs the events reference, the events, the trailer.
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { rename } from 'node:fs/promises';
import type { DomainEvent } from '../../domain/event.ts';
import type { BlobStore } from '../blob-store.ts';
import { BLOB_CHUNK, EXPORT_FORMAT, EXPORT_VERSION, LineDigest, type ExportHeader } from './format.ts';

export type ExportInput = Readonly<{
  origin: string;
  account: string | null;
  /** stream name -> its events in revision order */
  streams: ReadonlyMap<string, readonly DomainEvent[]>;
  blobs: BlobStore;
  /** ISO 8601 */
  now: string;
}>;

/** Writes next to `file` and renames it into place at the end, so a crash never leaves a plausible file. */
export async function writeExport(file: string, input: ExportInput): Promise<{ events: number; blobs: number; bytes: number }> {
  const partial = `${file}.partial`;
  const out = createWriteStream(partial);
  const digest = new LineDigest();
  let bytes = 0;
  const line = async (value: unknown) => {
    const text = JSON.stringify(value);
    digest.add(text);
    bytes += Buffer.byteLength(text) + 1;
    if (!out.write(text + '\n')) await once(out, 'drain');
  };
  const header: ExportHeader = { format: EXPORT_FORMAT, version: EXPORT_VERSION, origin: input.origin, createdAt: input.now, account: input.account };
  await line(header);
  const blobIds = new Set<string>();
  for (const events of input.streams.values()) {
    for (const e of events) if (e.type === 'MessageAppended') blobIds.add((e.data as { blobId: string }).blobId);
  }
  for (const blob of [...blobIds].sort()) {
    const size = (await input.blobs.size(blob)) ?? 0;
    let chunk = 0;
    let pending = Buffer.alloc(0);
    for await (const piece of input.blobs.get(blob)) {
      pending = Buffer.concat([pending, piece as Buffer]);
      while (pending.length >= BLOB_CHUNK) {
        await line({ blob, size, chunk: chunk++, data: pending.subarray(0, BLOB_CHUNK).toString('base64') });
        pending = pending.subarray(BLOB_CHUNK);
      }
    }
    if (pending.length || chunk === 0) await line({ blob, size, chunk: chunk++, data: pending.toString('base64') });
  }
  let events = 0;
  for (const [stream, list] of input.streams) {
    for (const event of list) {
      await line({ stream, event });
      events++;
    }
  }
  const trailer = JSON.stringify({ end: true, events, blobs: blobIds.size, sha256: digest.hex() });
  out.end(trailer + '\n');
  await once(out, 'finish');
  await rename(partial, file);
  return { events, blobs: blobIds.size, bytes: bytes + trailer.length + 1 };
}
