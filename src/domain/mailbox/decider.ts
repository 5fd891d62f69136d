// Decides what happens inside one mailbox: UIDs are assigned here (uid = uidNext) and every
// change gets the next MODSEQ, so no projection ever invents either.
import { type Decider, refuse, type SnapshotCodec } from '../decider.ts';
import { type CommandContext, eventOf } from '../event.ts';
import type { MessageSummary } from '../message/summary.ts';
import type { MailboxEvent, MessageSource } from './events.ts';
import { normalizeFlags } from './flags.ts';

export type NewMessage = {
  /** kept across copies, moves and merges; a new one is assigned when absent */
  emailId?: string;
  blobId: string;
  size: number;
  internalDate: string;
  flags: readonly string[];
  summary: MessageSummary;
  source: MessageSource;
};

export type MailboxCommand =
  | { type: 'initialize'; mailboxId: string; accountId: string; uidValidity: number }
  | { type: 'append'; mailboxId: string; messages: readonly NewMessage[] }
  | { type: 'store'; mailboxId: string; uids: readonly number[]; mode: 'add' | 'remove' | 'replace'; flags: readonly string[] }
  | {
      type: 'expunge';
      mailboxId: string;
      uids: readonly number[];
      reason: string;
      movedTo?: { mailboxId: string; uids: number[] };
    };

export type MessageState = { emailId: string; flags: string[]; modseq: number };

export type MailboxState = {
  initialized: boolean;
  accountId: string;
  uidValidity: number;
  uidNext: number;
  highestModseq: number;
  messages: Map<number, MessageState>;
};

const sameFlag = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

function flagChange(current: readonly string[], mode: 'add' | 'remove' | 'replace', flags: readonly string[]) {
  const wanted =
    mode === 'replace' ? flags : mode === 'add' ? [...current, ...flags] : current.filter((c) => !flags.some((f) => sameFlag(c, f)));
  const added = wanted.filter((w) => !current.some((c) => sameFlag(c, w)));
  const removed = current.filter((c) => !wanted.some((w) => sameFlag(c, w)));
  return { added: [...new Set(added)], removed };
}

function decide(command: MailboxCommand, state: MailboxState, ctx: CommandContext): MailboxEvent[] {
  const { mailboxId } = command;
  if (command.type === 'initialize') {
    if (state.initialized) return [];
    if (!Number.isInteger(command.uidValidity) || command.uidValidity < 1 || command.uidValidity > 0xffffffff) {
      refuse('InvalidArgument', `UIDVALIDITY ${command.uidValidity} out of range`);
    }
    const { accountId, uidValidity } = command;
    return [eventOf('MailboxInitialized', { mailboxId, accountId, uidValidity }, ctx)];
  }
  if (!state.initialized) refuse('NotFound', `mailbox ${mailboxId} does not exist`);

  switch (command.type) {
    case 'append': {
      let uid = state.uidNext;
      let modseq = state.highestModseq;
      return command.messages.map((m) => {
        if (!Number.isSafeInteger(m.size) || m.size < 0) refuse('InvalidArgument', 'message size must be a whole number');
        if (Number.isNaN(Date.parse(m.internalDate))) refuse('InvalidArgument', `invalid internal date ${m.internalDate}`);
        return eventOf(
          'MessageAppended',
          {
            mailboxId,
            uid: uid++,
            modseq: ++modseq,
            emailId: m.emailId ?? ctx.newId(),
            blobId: m.blobId,
            size: m.size,
            internalDate: new Date(m.internalDate).toISOString(),
            flags: normalizeFlags(m.flags),
            summary: m.summary,
            source: m.source,
          },
          ctx,
        );
      });
    }
    case 'store': {
      const flags = normalizeFlags(command.flags);
      const changes: { uid: number; added: string[]; removed: string[] }[] = [];
      for (const uid of new Set(command.uids)) {
        const message = state.messages.get(uid);
        if (!message) continue; // a STORE on an expunged message changes nothing
        const { added, removed } = flagChange(message.flags, command.mode, flags);
        if (added.length || removed.length) changes.push({ uid, added, removed });
      }
      if (!changes.length) return [];
      changes.sort((a, b) => a.uid - b.uid);
      return [eventOf('FlagsChanged', { mailboxId, modseq: state.highestModseq + 1, changes }, ctx)];
    }
    case 'expunge': {
      const uids = [...new Set(command.uids)].filter((u) => state.messages.has(u)).sort((a, b) => a - b);
      if (!uids.length) return [];
      const data = { mailboxId, modseq: state.highestModseq + 1, uids, reason: command.reason };
      return [eventOf('MessagesExpunged', command.movedTo ? { ...data, movedTo: command.movedTo } : data, ctx)];
    }
  }
}

function evolve(state: MailboxState, event: MailboxEvent): MailboxState {
  switch (event.type) {
    case 'MailboxInitialized':
      state.initialized = true;
      state.accountId = event.data.accountId;
      state.uidValidity = event.data.uidValidity;
      return state;
    case 'MessageAppended': {
      const { uid, modseq, emailId, flags } = event.data;
      state.messages.set(uid, { emailId, flags: [...flags], modseq });
      state.uidNext = Math.max(state.uidNext, uid + 1);
      state.highestModseq = Math.max(state.highestModseq, modseq);
      return state;
    }
    case 'FlagsChanged': {
      const { modseq } = event.data;
      for (const { uid, added, removed } of event.data.changes) {
        const message = state.messages.get(uid);
        if (!message) continue;
        message.flags = [...message.flags.filter((f) => !removed.some((r) => sameFlag(f, r))), ...added];
        message.modseq = modseq;
      }
      state.highestModseq = Math.max(state.highestModseq, modseq);
      return state;
    }
    case 'MessagesExpunged':
      for (const uid of event.data.uids) state.messages.delete(uid);
      state.highestModseq = Math.max(state.highestModseq, event.data.modseq);
      return state;
  }
}

type EncodedMailbox = {
  initialized: boolean;
  accountId: string;
  uidValidity: number;
  uidNext: number;
  highestModseq: number;
  /** the messages as parallel columns: cheaper to encode and decode than one map per message */
  uids: number[];
  emailIds: string[];
  flags: string[][];
  modseqs: number[];
};

const mailboxSnapshot: SnapshotCodec<MailboxState> = {
  version: 1,
  encode(state) {
    const encoded: EncodedMailbox = {
      initialized: state.initialized,
      accountId: state.accountId,
      uidValidity: state.uidValidity,
      uidNext: state.uidNext,
      highestModseq: state.highestModseq,
      uids: [],
      emailIds: [],
      flags: [],
      modseqs: [],
    };
    for (const [uid, m] of state.messages) {
      encoded.uids.push(uid);
      encoded.emailIds.push(m.emailId);
      encoded.flags.push(m.flags);
      encoded.modseqs.push(m.modseq);
    }
    return encoded;
  },
  decode(data) {
    const d = data as EncodedMailbox;
    const n = d?.uids?.length;
    const columns = [d?.emailIds, d?.flags, d?.modseqs];
    if (typeof d?.initialized !== 'boolean' || typeof d.accountId !== 'string' || !Number.isSafeInteger(d.uidNext) || !Number.isSafeInteger(d.highestModseq)) {
      throw new Error('not a mailbox snapshot');
    }
    if (!Number.isSafeInteger(n) || columns.some((c) => !Array.isArray(c) || c.length !== n)) throw new Error('mailbox snapshot columns differ in length');
    const messages = new Map<number, MessageState>();
    for (let i = 0; i < n; i++) messages.set(d.uids[i]!, { emailId: d.emailIds[i]!, flags: [...d.flags[i]!], modseq: d.modseqs[i]! });
    const { initialized, accountId, uidValidity, uidNext, highestModseq } = d;
    return { initialized, accountId, uidValidity, uidNext, highestModseq, messages };
  },
};

export const mailboxDecider: Decider<MailboxCommand, MailboxState, MailboxEvent> = {
  initialState: () => ({
    initialized: false,
    accountId: '',
    uidValidity: 0,
    uidNext: 1,
    highestModseq: 0,
    messages: new Map(),
  }),
  evolve,
  decide,
  snapshot: mailboxSnapshot,
};
