// `postlog deliver <address>`: the local delivery agent; one message from stdin into INBOX.
import type { Command } from 'commander';
import { randomUUID } from 'node:crypto';
import { receiveMessage } from '../../domain/message/intake.ts';
import { withCrlf } from '../../domain/message/line-endings.ts';
import { DomainError } from '../../domain/decider.ts';
import { adminContext, withRuntime } from './common.ts';
import { say } from './output.ts';

/** Refuses input that cannot be a message before anything is stored. */
async function* checked(input: AsyncIterable<Uint8Array>): AsyncIterable<Uint8Array> {
  let first = true;
  let total = 0;
  for await (const chunk of input) {
    if (first && chunk.length) {
      first = false;
      const head = Buffer.from(chunk.subarray(0, 1024)).toString('latin1');
      const line = head.split(/\r?\n/, 1)[0] ?? '';
      // A message starts with a header field ("Name: value"); mbox "From " lines are tolerated.
      if (!/^[\x21-\x39\x3b-\x7e]+:/.test(line) && !line.startsWith('From ')) {
        throw new DomainError('InvalidArgument', 'input is not an RFC 5322 message (it does not start with a header field)');
      }
    }
    total += chunk.length;
    yield chunk;
  }
  if (total === 0) throw new DomainError('InvalidArgument', 'no message on standard input');
}

/** Drops a leading mbox "From " line, which is not part of the message. */
async function* withoutMboxLine(input: AsyncIterable<Uint8Array>): AsyncIterable<Uint8Array> {
  let first = true;
  for await (const chunk of input) {
    let c = Buffer.from(chunk);
    if (first) {
      first = false;
      if (c.subarray(0, 5).toString('latin1') === 'From ') {
        const eol = c.indexOf(10);
        c = eol < 0 ? Buffer.alloc(0) : c.subarray(eol + 1);
      }
    }
    if (c.length) yield c;
  }
}

export function deliverCommand(program: Command): void {
  program
    .command('deliver')
    .description('deliver one RFC 5322 message from standard input into the INBOX of <address> (aliases and groups expanded)')
    .argument('<address>', 'recipient address: a user, alias or group (user+tag@domain reaches user@domain)')
    .action(async (address: string, _options: unknown, command: Command) => {
      await withRuntime(command, async (runtime, config) => {
        const ctx = adminContext(runtime, 'local');
        const recipient = await runtime.recipients.resolve(address);
        if (recipient.kind === 'remote') throw new DomainError('NotFound', `${address} is not in a local domain (see "postlog domain list")`);
        if (recipient.kind === 'unknown') throw new DomainError('NotFound', `no user, alias or group has the address ${address} (add one with "postlog user add")`);
        if (!recipient.accountIds.length) throw new DomainError('NotFound', `${address} is a group without members`);
        const received = await receiveMessage(runtime.storage.blobs, withCrlf(withoutMboxLine(checked(process.stdin))), {
          maxSize: config.limits.maxMessageSize,
        });
        const source = { kind: 'delivery', mailFrom: '', rcptTo: address, clientAddress: 'local', transactionId: randomUUID() } as const;
        for (const accountId of recipient.accountIds) {
          const appended = await runtime.mail.deliver(accountId, { ...received, internalDate: ctx.now, flags: [], source }, ctx);
          const to = runtime.directory.user(accountId)?.address ?? accountId;
          say(`delivered to ${to} INBOX uid ${appended.uids[0]} (${received.size} bytes, emailId ${appended.emailIds[0]})`);
        }
      });
    });
}
