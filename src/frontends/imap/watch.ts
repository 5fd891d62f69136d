// Nudges sessions when their selected mailbox changes: one listener on the projection runner
// for the whole front-end, fanned out by mailbox stream. A nudge mostly says "look again" (the
// session then reads the change feed); it says "deleted" when the folder itself was deleted,
// which the mailbox's own change feed does not show.
import type { ProjectionRunner } from '../../projections/runner.ts';
import type { RecordedEvent } from '../../store/event-store.ts';
import { mailboxStream } from '../../domain/mailbox/events.ts';

export type Change = 'changed' | 'deleted';
export type Nudge = (change: Change) => void;

export class MailboxWatch {
  private readonly byStream = new Map<string, Set<Nudge>>();
  private readonly onApplied = (batch: readonly RecordedEvent[]) => {
    const streams = new Set(batch.map((r) => r.stream));
    for (const stream of streams) for (const nudge of this.byStream.get(stream) ?? []) nudge('changed');
    for (const { event } of batch) {
      if (event.type !== 'MailboxDeleted') continue;
      const { mailboxId } = event.data as { mailboxId: string };
      for (const nudge of this.byStream.get(mailboxStream(mailboxId)) ?? []) nudge('deleted');
    }
  };

  constructor(private readonly runner: ProjectionRunner) {
    runner.on('applied', this.onApplied);
  }

  /** Calls `nudge` after each change to the mailbox is visible in the view; returns the unsubscribe. */
  watch(mailboxId: string, nudge: Nudge): () => void {
    const stream = mailboxStream(mailboxId);
    let set = this.byStream.get(stream);
    if (!set) this.byStream.set(stream, (set = new Set()));
    set.add(nudge);
    return () => {
      set.delete(nudge);
      if (!set.size) this.byStream.delete(stream);
    };
  }

  close(): void {
    this.runner.off('applied', this.onApplied);
  }
}
