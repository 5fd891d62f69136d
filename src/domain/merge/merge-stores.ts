// Merges another store into ours: reads the other store's log and ours where it parts from it,
// plans each stream (plan.ts), copies the blobs the new events name, then appends stream by
// stream (each append sharing its blobs' commit) with the expected revision, so a
// server writing at the same time only makes the merge re-plan that stream. Each stream's
// events go in one atomic append: a merge cut short leaves whole streams done or untouched, and
// running it again finishes the rest (it appends nothing already there).
import type { BlobStore } from '../../store/blob-store.ts';
import { WrongExpectedVersion, type EventStore } from '../../store/event-store.ts';
import { eventOf, type CommandContext, type DomainEvent } from '../event.ts';
import type { AccountEvent } from '../account/events.ts';
import { mergeStream, type MailboxMergeSummary, type MergeApplied } from './events.ts';
import { planStream, streamOrder, type StreamPlan } from './plan.ts';

export type MergeSide = Readonly<{ events: EventStore; blobs: BlobStore }>;

export type MergeReport = {
  mergeId: string | null;
  dryRun: boolean;
  from: { origin: string; location: string };
  mailboxes: MailboxMergeSummary[];
  folders: NonNullable<StreamPlan['folders']>[];
  conflicts: string[];
  appended: number;
  copied: number;
  blobsCopied: number;
};

export type MergeOptions = Readonly<{
  dryRun?: boolean;
  from: { origin: string; location: string };
  /** after each stream is appended (for progress lines) */
  onStream?: (stream: string, events: number) => void;
  maxAttempts?: number;
}>;

const PAGE = 5000;

/** Every event of a store, grouped by stream, each stream in revision order. */
export async function readStreams(store: EventStore): Promise<Map<string, DomainEvent[]>> {
  const streams = new Map<string, DomainEvent[]>();
  for (let from = 1; ; ) {
    const page = await store.readAll({ from, limit: PAGE });
    for (const r of page) {
      const list = streams.get(r.stream);
      if (list) list.push(r.event);
      else streams.set(r.stream, [r.event]);
    }
    if (page.length < PAGE) return streams;
    from = page.at(-1)!.position + 1;
  }
}

async function readStream(store: EventStore, stream: string, start = 0): Promise<DomainEvent[]> {
  const out: DomainEvent[] = [];
  for (let from = start; ; ) {
    const page = await store.readStream(stream, { from, limit: PAGE });
    out.push(...page.map((r) => r.event));
    if (page.length < PAGE) return out;
    from = page.at(-1)!.revision + 1;
  }
}

/**
 * Streams that get another store's events only as a whole prefix: written by our own deciders,
 * and otherwise only extended by a copy, an import or a merge copying a stream ours is a prefix
 * of (plan.ts, portable.ts). On these, one event id at one revision on two stores means the same
 * events up to there.
 */
const sharesWholePrefixes = (stream: string) => stream.startsWith('mailbox-') || stream.startsWith('account-');

/**
 * Our events of a stream the other store has. Of a mailbox or folder tree, the history both
 * stores share is taken from theirs, already read, and only ours after it is read: where they
 * part is found by bisection on event ids, a handful of single reads.
 */
async function readOurs(store: EventStore, stream: string, theirs: readonly DomainEvent[]): Promise<DomainEvent[]> {
  if (!sharesWholePrefixes(stream)) return readStream(store, stream);
  const sharedUpTo = async (n: number) => (await store.readStream(stream, { from: n - 1, limit: 1 }))[0]?.event.meta.eventId === theirs[n - 1]!.meta.eventId;
  let shared = 0;
  for (let most = Math.min(theirs.length, (await store.streamRevision(stream)) + 1); shared < most; ) {
    const n = Math.ceil((shared + most) / 2);
    if (await sharedUpTo(n)) shared = n;
    else most = n - 1;
  }
  return theirs.slice(0, shared).concat(await readStream(store, stream, shared));
}

export async function mergeStores(ours: MergeSide, theirs: MergeSide, ctx: CommandContext, options: MergeOptions): Promise<MergeReport> {
  // The only way to learn which streams the other store has is to read its whole log.
  const other = await readStreams(theirs.events);
  const names = [...other.keys()].sort((a, b) => streamOrder(a) - streamOrder(b) || (a < b ? -1 : a > b ? 1 : 0));
  const mine = new Map<string, DomainEvent[]>();
  const report: MergeReport = {
    mergeId: null,
    dryRun: options.dryRun ?? false,
    from: options.from,
    mailboxes: [],
    folders: [],
    conflicts: [],
    appended: 0,
    copied: 0,
    blobsCopied: 0,
  };
  const plans: StreamPlan[] = [];
  for (const stream of names) {
    const theirEvents = other.get(stream)!;
    const ourEvents = await readOurs(ours.events, stream, theirEvents);
    mine.set(stream, ourEvents);
    let plan = planStream(stream, ourEvents, theirEvents, ctx);
    if (!options.dryRun && plan.events.length) {
      plan = await applyPlan(ours, theirs, plan, ourEvents, theirEvents, ctx, report, options.maxAttempts ?? 50);
      if (plan.events.length) options.onStream?.(stream, plan.events.length);
    }
    plans.push(plan);
  }
  summarize(plans, mine, other, report);
  if (!options.dryRun && report.appended > 0) {
    const mergeId = ctx.newId();
    report.mergeId = mergeId;
    const { mailboxes, folders, conflicts, appended, copied } = report;
    const event: MergeApplied = eventOf('MergeApplied', { mergeId, from: options.from, mailboxes, folders, conflicts, appended, copied }, ctx);
    await ours.events.append(mergeStream(mergeId), [event], { expectedRevision: 'no-stream' });
  }
  return report;
}

/**
 * Copies the blobs, then appends; when a server wrote to the stream meanwhile, reads what it
 * wrote and plans again, after a short random pause so a busy mailbox cannot starve the merge.
 */
async function applyPlan(
  ours: MergeSide,
  theirs: MergeSide,
  first: StreamPlan,
  ourEvents: readonly DomainEvent[],
  theirEvents: readonly DomainEvent[],
  ctx: CommandContext,
  report: MergeReport,
  maxAttempts: number,
): Promise<StreamPlan> {
  let plan = first;
  let mine = [...ourEvents];
  for (let attempt = 1; ; attempt++) {
    if (!plan.events.length) return plan;
    const blobs = blobsOf(plan.events);
    report.blobsCopied += await copyBlobs(ours.blobs, theirs.blobs, blobs);
    try {
      const expectedRevision = plan.expectedRevision < 0 ? 'no-stream' : plan.expectedRevision;
      await ours.events.append(plan.stream, plan.events, { expectedRevision, ...(blobs.length && { blobs }) });
      report.appended += plan.events.length;
      if (plan.copied) report.copied += plan.events.length;
      return plan;
    } catch (error) {
      if (!(error instanceof WrongExpectedVersion) || attempt >= maxAttempts) throw error;
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 10 * Math.min(attempt, 10)));
      mine = [...mine, ...(await readStream(ours.events, plan.stream, mine.length))];
      plan = planStream(plan.stream, mine, theirEvents, ctx);
    }
  }
}

/** Blob writes queued at once. */
const BLOBS_IN_FLIGHT = 64;

/**
 * The blobs events name: a message's, an outbound queue item's, a bounce's (an event's data names
 * its message by `blobId`).
 */
function blobsOf(events: readonly DomainEvent[]): string[] {
  const blobs = new Set<string>();
  for (const e of events) {
    const blobId = (e.data as { blobId?: unknown } | undefined)?.blobId;
    if (typeof blobId === 'string') blobs.add(blobId);
  }
  return [...blobs];
}

/**
 * Puts the blobs we lack, deferred: the append that names them (AppendOptions.blobs) shares their
 * commit and fails rather than commit events whose bytes did not land, so a message never points
 * at bytes we lack, and a merge waits for one fsync rather than one per batch of blobs.
 */
async function copyBlobs(ours: BlobStore, theirs: BlobStore, blobIds: readonly string[]): Promise<number> {
  const missing: string[] = [];
  for (const blobId of blobIds) if (!(await ours.has(blobId))) missing.push(blobId);
  for (let i = 0; i < missing.length; i += BLOBS_IN_FLIGHT) {
    await Promise.all(
      missing.slice(i, i + BLOBS_IN_FLIGHT).map(async (blobId) => {
        const stored = await ours.put(theirs.get(blobId), { deferred: true });
        // Written now, not held for the appends: a merge copies every blob it lacks before it appends.
        stored.durable?.().catch(() => {});
        if (stored.blobId !== blobId) throw new Error(`blob ${blobId} of the other store has content hashing to ${stored.blobId}`);
      }),
    );
  }
  return missing.length;
}

/** The report: per mailbox and folder tree, what the plans do. */
function summarize(plans: StreamPlan[], mine: Map<string, DomainEvent[]>, other: Map<string, DomainEvent[]>, report: MergeReport): void {
  // Mailbox names for the report: the latest name either store gave each mailbox.
  const named: { at: string; mailboxId: string; name: string }[] = [];
  for (const source of [other, mine]) {
    for (const [stream, events] of source) {
      if (!stream.startsWith('account-')) continue;
      for (const e of events as AccountEvent[]) {
        if (e.type === 'MailboxCreated') named.push({ at: e.meta.at, mailboxId: e.data.mailboxId, name: e.data.name });
        if (e.type === 'MailboxRenamed') for (const r of e.data.renames) named.push({ at: e.meta.at, mailboxId: r.mailboxId, name: r.to });
      }
    }
  }
  named.sort((x, y) => (x.at < y.at ? -1 : x.at > y.at ? 1 : 0));
  const names = new Map(named.map((n) => [n.mailboxId, n.name]));
  for (const plan of plans) {
    if (plan.mailbox) report.mailboxes.push({ ...plan.mailbox, name: names.get(plan.mailbox.mailboxId) ?? plan.mailbox.mailboxId });
    if (plan.folders && (plan.folders.created.length || plan.folders.renamed.length || plan.folders.deleted.length)) report.folders.push(plan.folders);
    report.conflicts.push(...plan.conflicts);
  }
}
