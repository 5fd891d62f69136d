// Receiving a message: bytes go to the blob store as they arrive while the MIME structure is
// scanned on the way, so a message is never held whole in memory.
import type { BlobStore } from '../../store/blob-store.ts';
import { MessageScanner } from './scanner.ts';
import type { MessageSummary } from './summary.ts';

export type Received = Readonly<{ blobId: string; size: number; summary: MessageSummary }>;

export async function receiveMessage(
  blobs: BlobStore,
  source: AsyncIterable<Uint8Array>,
  options: { maxSize?: number } = {},
): Promise<Received> {
  const scanner = new MessageScanner();
  async function* scanned() {
    for await (const chunk of source) {
      scanner.push(chunk);
      yield chunk;
    }
  }
  const { blobId, size } = await blobs.put(scanned(), options);
  return { blobId, size, summary: scanner.finish() };
}
