// Reads an export file as a stream. `verifyExport` reads it through once and refuses it unless
// the header is a version this code reads and the trailer's counts and checksum match, so a
// truncated or altered file is refused before anything is written.
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { BadExportFile, EXPORT_FORMAT, EXPORT_VERSION, LineDigest, type ExportHeader, type ExportRecord, type Trailer } from './format.ts';

export type VerifiedExport = { header: ExportHeader; events: number; blobs: number };

async function* lines(file: string): AsyncGenerator<string> {
  const input = createReadStream(file, { encoding: 'utf8' });
  try {
    yield* createInterface({ input, crlfDelay: Infinity });
  } catch (error) {
    const code = (error as { code?: string }).code;
    throw new BadExportFile(file, code === 'ENOENT' ? 'no such file' : `cannot be read (${(error as Error).message})`);
  } finally {
    input.destroy();
  }
}

function parse(file: string, text: string, n: number): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(text);
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) return value as Record<string, unknown>;
  } catch {
    // reported below
  }
  throw new BadExportFile(file, `line ${n} is not a JSON object: the file is damaged`);
}

function checkHeader(file: string, value: Record<string, unknown> | undefined): ExportHeader {
  if (!value || value.format !== EXPORT_FORMAT || typeof value.version !== 'number') {
    throw new BadExportFile(file, 'is not a postlog export file (no postlog-export header)');
  }
  if (value.version > EXPORT_VERSION) {
    throw new BadExportFile(file, `was written in export format version ${value.version}; this postlog reads up to ${EXPORT_VERSION}: upgrade postlog`);
  }
  return value as unknown as ExportHeader;
}

export async function verifyExport(file: string): Promise<VerifiedExport> {
  const digest = new LineDigest();
  let header: ExportHeader | undefined;
  let trailer: Trailer | undefined;
  let events = 0;
  const blobs = new Set<string>();
  let n = 0;
  for await (const text of lines(file)) {
    n++;
    if (trailer) throw new BadExportFile(file, `has data after its last line (line ${n})`);
    const value = parse(file, text, n);
    if (n === 1) header = checkHeader(file, value);
    else if (value.end === true) trailer = value as unknown as Trailer;
    else if (typeof value.blob === 'string') blobs.add(value.blob);
    else if (typeof value.stream === 'string' && typeof value.event === 'object') events++;
    else throw new BadExportFile(file, `line ${n} is neither a blob nor an event`);
    if (!trailer) digest.add(text);
  }
  if (!header) throw new BadExportFile(file, 'is empty');
  if (!trailer) throw new BadExportFile(file, `is truncated: it ends after ${n} lines without its closing line (counts and checksum)`);
  if (trailer.events !== events || trailer.blobs !== blobs.size) {
    throw new BadExportFile(file, `is incomplete: it says ${trailer.events} events and ${trailer.blobs} blobs, it holds ${events} and ${blobs.size}`);
  }
  if (trailer.sha256 !== digest.hex()) throw new BadExportFile(file, 'fails its checksum: the file was altered or damaged');
  return { header, events, blobs: blobs.size };
}

/** The records of a verified file, in file order. */
export async function* exportRecords(file: string): AsyncGenerator<ExportRecord> {
  let n = 0;
  for await (const text of lines(file)) {
    if (n++ === 0) continue;
    const value = parse(file, text, n);
    if (value.end === true) return;
    yield value as unknown as ExportRecord;
  }
}
