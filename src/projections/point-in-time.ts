// Projections built from a slice of the log into a throwaway LMDB environment: the read models
// as they stood at a past point, computed without touching the live ones.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { open } from 'lmdb';
import type { EventStore } from '../store/event-store.ts';
import { AccountView, accountProjection } from './account-view.ts';
import { LogSlice, type Cut } from './log-slice.ts';
import { MailboxView, mailboxProjection } from './mailbox-view.ts';
import type { Projection } from './projection.ts';
import { projectionDb } from './projection.ts';
import { ProjectionRunner } from './runner.ts';

export type PointInTime = Readonly<{
  accounts: AccountView;
  mailboxes: MailboxView;
  /** the last position applied */
  position: number;
  /** events read from the log to build it */
  scanned: number;
  close(): Promise<void>;
}>;

export type PointInTimeOptions = Readonly<{
  /** only these streams (default: the whole log) */
  streams?: readonly string[];
  /** default: the account and mailbox views */
  projections?: readonly Projection[];
  onProgress?: (position: number) => void;
}>;

export async function buildAt(store: EventStore, cut: Cut, options: PointInTimeOptions = {}): Promise<PointInTime> {
  const dir = await mkdtemp(join(tmpdir(), 'postlog-at-'));
  // Thrown away after use: nothing here needs to survive a crash, so no fsync.
  const root = open(join(dir, 'view.mdb'), { maxDbs: 100, noSync: true });
  const remove = async () => {
    await root.close();
    await rm(dir, { recursive: true, force: true });
  };
  try {
    const slice = new LogSlice(store, cut, options.streams);
    const projections = options.projections ?? [accountProjection, mailboxProjection];
    const runner = new ProjectionRunner(root, slice, projections, cut.position === undefined ? {} : { until: cut.position });
    await runner.catchUp(options.onProgress);
    return {
      accounts: new AccountView(projectionDb(root, accountProjection)),
      mailboxes: new MailboxView(projectionDb(root, mailboxProjection), { eager: true }),
      position: runner.position,
      scanned: slice.scanned,
      close: remove,
    };
  } catch (error) {
    await remove();
    throw error;
  }
}
