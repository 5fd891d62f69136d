// The portable export file: newline-delimited JSON, read and written as a stream.
//   line 1     {"format":"postlog-export","version":1,...}           the header
//   then       {"blob":id,"size":n,"chunk":i,"data":base64}          every blob an event references
//   then       {"stream":s,"event":{type,data,meta}}                 events, each stream in revision order
//   last line  {"end":true,"events":n,"blobs":m,"sha256":hex}        counts and the SHA-256 of every line before it
// A file without its last line, or whose counts or checksum disagree, is refused whole.
import { createHash, type Hash } from 'node:crypto';
import type { DomainEvent } from '../../domain/event.ts';

export const EXPORT_FORMAT = 'postlog-export';
export const EXPORT_VERSION = 1;
/** raw bytes per blob line (64 KiB of base64) */
export const BLOB_CHUNK = 48 * 1024;

export type ExportHeader = { format: string; version: number; origin: string; createdAt: string; account: string | null };
export type BlobRecord = { blob: string; size: number; chunk: number; data: string };
export type EventRecord = { stream: string; event: DomainEvent };
export type Trailer = { end: true; events: number; blobs: number; sha256: string };
export type ExportRecord = BlobRecord | EventRecord;

/** The file cannot be used as it is; nothing was written to the store. */
export class BadExportFile extends Error {
  readonly type = 'BadExportFile' as const;
  constructor(readonly file: string, reason: string) {
    super(`${file}: ${reason}`);
    this.name = 'BadExportFile';
  }
}

/** Running checksum over the lines as written. */
export class LineDigest {
  private readonly hash: Hash = createHash('sha256');
  add(line: string): void {
    this.hash.update(line, 'utf8');
    this.hash.update('\n');
  }
  hex(): string {
    return this.hash.copy().digest('hex');
  }
}
