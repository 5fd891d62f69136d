// Receiving a message: bytes go to the blob store as they arrive while the MIME structure is
// scanned on the way, so a message is never held whole in memory.
import type { BlobStore } from '../../store/blob-store.ts';
import { MessageScanner } from './scanner.ts';
import type { MessageSummary } from './summary.ts';

export type Received = Readonly<{ blobId: string; size: number; summary: MessageSummary }>;

/** With `deferred`, the blob's last write waits for the append that names it (see BlobRef's `durable`). */
export type ReceivedDeferred = Received & Readonly<{ durable: () => Promise<void> }>;

export async function receiveMessage(blobs: BlobStore, source: AsyncIterable<Uint8Array>, options?: { maxSize?: number }): Promise<Received>;
export async function receiveMessage(
  blobs: BlobStore,
  source: AsyncIterable<Uint8Array>,
  options: { maxSize?: number; deferred: true },
): Promise<ReceivedDeferred>;
export async function receiveMessage(
  blobs: BlobStore,
  source: AsyncIterable<Uint8Array>,
  options: { maxSize?: number; deferred?: boolean } = {},
): Promise<Received | ReceivedDeferred> {
  const scanner = new MessageScanner();
  async function* scanned() {
    for await (const chunk of source) {
      scanner.push(chunk);
      yield chunk;
    }
  }
  const { blobId, size, durable } = await blobs.put(scanned(), options);
  const summary = scanner.finish();
  return options.deferred ? { blobId, size, summary, durable: durable ?? (() => Promise.resolve()) } : { blobId, size, summary };
}
