// Snapshots of a stream's decided state: a cache, so that deciding the first command on a long
// stream (a mailbox of 100,000 messages) after a start does not replay all of it. The log stays
// the truth: a snapshot names the event it was taken after, and one that does not match the
// stream is not used.

export type Snapshot = Readonly<{
  /** the stream's revision the state was taken at */
  revision: number;
  /** the id of the event at that revision, checked against the stream before use */
  eventId: string;
  /** the decider's snapshot format */
  version: number;
  data: unknown;
}>;

export interface SnapshotStore {
  get(stream: string): Snapshot | undefined;
  /** Stored when it can be, at no caller's expense: a lost snapshot costs a longer replay. */
  put(stream: string, snapshot: Snapshot): void;
}
