// Imports a verified export file: every blob first (streamed into the blob store, its hash
// checked), then each stream's new events with the expected revision. The store's append is
// idempotent by event id and the plan skips what is already there, so importing twice adds nothing.
import { once } from 'node:events';
import { PassThrough } from 'node:stream';
import type { DomainEvent } from '../../domain/event.ts';
import { planImport, type ImportPlan } from '../../domain/merge/portable.ts';
import { readStreams } from '../../domain/merge/merge-stores.ts';
import type { BlobStore } from '../blob-store.ts';
import type { EventStore } from '../event-store.ts';
import { BadExportFile, type BlobRecord } from './format.ts';
import { exportRecords, verifyExport, type VerifiedExport } from './reader.ts';

export type ImportResult = VerifiedExport & { appended: number; streams: number; blobsStored: number; conflicts: string[] };

const BATCH = 2000;

export async function importExport(file: string, target: { events: EventStore; blobs: BlobStore }): Promise<ImportResult> {
  const verified = await verifyExport(file);
  const fileStreams = new Map<string, DomainEvent[]>();
  for await (const record of exportRecords(file)) {
    if (!('stream' in record)) continue;
    const list = fileStreams.get(record.stream);
    if (list) list.push(record.event);
    else fileStreams.set(record.stream, [record.event]);
  }
  // Every stream is checked before anything is written.
  const ours = await readStreams(target.events);
  const plans: ImportPlan[] = [...fileStreams].map(([stream, events]) => planImport(stream, ours.get(stream) ?? [], events));
  const blobsStored = await importBlobs(file, target.blobs);
  let appended = 0;
  for (const plan of plans) {
    let revision = plan.expectedRevision;
    for (let i = 0; i < plan.events.length; i += BATCH) {
      const batch = plan.events.slice(i, i + BATCH);
      const result = await target.events.append(plan.stream, batch, { expectedRevision: revision < 0 ? 'no-stream' : revision });
      revision = result.revision;
      appended += batch.length;
    }
  }
  return {
    ...verified,
    appended,
    streams: plans.filter((p) => p.events.length).length,
    blobsStored,
    conflicts: plans.flatMap((p) => p.conflicts),
  };
}

/** Blobs being sealed at once: their durable commits share fsyncs (group commit). */
const BLOBS_IN_FLIGHT = 32;

/** Streams each blob's chunks into the blob store; a blob already there is skipped. */
async function importBlobs(file: string, blobs: BlobStore): Promise<number> {
  let stored = 0;
  let current: { id: string; pipe: PassThrough } | undefined;
  const sealing: Promise<void>[] = [];
  const seal = async (id: string, done: Promise<{ blobId: string }>) => {
    const { blobId } = await done;
    if (blobId !== id) throw new BadExportFile(file, `blob ${id} holds content hashing to ${blobId}`);
    stored++;
  };
  const finish = async () => {
    current?.pipe.end();
    current = undefined;
    if (sealing.length >= BLOBS_IN_FLIGHT) await Promise.all(sealing.splice(0));
  };
  let skipping: string | undefined;
  try {
    for await (const record of exportRecords(file)) {
      if (!('blob' in record)) continue;
      const { blob, data } = record as BlobRecord;
      if (blob === skipping) continue;
      if (blob !== current?.id) {
        await finish();
        if (await blobs.has(blob)) {
          skipping = blob;
          continue;
        }
        const pipe = new PassThrough();
        const done = blobs.put(pipe);
        // Awaited below; a failure meanwhile must not go unhandled.
        done.catch(() => pipe.destroy());
        sealing.push(seal(blob, done));
        current = { id: blob, pipe };
      }
      if (!current.pipe.write(Buffer.from(data, 'base64'))) await once(current.pipe, 'drain');
    }
    await finish();
  } finally {
    current?.pipe.end();
    await Promise.allSettled(sealing);
  }
  await Promise.all(sealing);
  return stored;
}
