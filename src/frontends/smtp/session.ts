// The gatekeeper of one SMTP listener: every smtp-server callback goes through here, so the
// cross-cutting rules live once — connection limits, who may authenticate, the refusal counter
// that ends with 421, one logger per connection, and one way of turning failures into replies.
import { finished } from 'node:stream/promises';
import { newId } from '../ids.ts';
import type { Logger } from 'pino';
import type {
  SMTPServerAddress,
  SMTPServerAuthentication,
  SMTPServerAuthenticationResponse,
  SMTPServerDataStream,
  SMTPServerOptions,
  SMTPServerSession,
} from 'smtp-server';
import type { Actor } from '../../domain/event.ts';
import type { Config } from '../config.ts';
import type { Runtime } from '../runtime.ts';
import { plainAddress, trustedNetworks } from '../directory/networks.ts';
import type { Deliverer, Outcome } from './delivery.ts';
import { ConnectionLimiter } from './limits.ts';
import { checkMayStart, checkSender, recipientTarget, type Client, type ListenerKind, type Target } from './policy.ts';
import { REPLIES, SmtpRefusal, isExpected, reasonOf, toWireError } from './replies.ts';

type User = Readonly<{ accountId: string; address: string; username: string }>;

type SessionState = {
  readonly log: Logger;
  readonly trusted: boolean;
  /** this connection holds a slot of its client address */
  counted: boolean;
  refusals: number;
  /** accepted recipients of the current transaction, by lower-cased address as smtp-server keys them */
  targets: Map<string, Target>;
};

type Callback = (err?: Error | null) => void;

export type GateOptions = Readonly<{
  listener: ListenerKind;
  runtime: Runtime;
  config: Config;
  logger: Logger;
  deliverer: Deliverer;
  limiter: ConnectionLimiter;
}>;

const AUTH_REFUSALS = { invalid: 'AuthFailed', disabled: 'AuthFailed', throttled: 'AuthThrottled', cleartext: 'EncryptionRequired' } as const;

/** The smtp-server handlers of one listener. */
export function gatekeeper(options: GateOptions): Pick<SMTPServerOptions, 'onConnect' | 'onAuth' | 'onMailFrom' | 'onRcptTo' | 'onData' | 'onClose'> {
  const { listener, runtime, config, logger, deliverer, limiter } = options;
  const trusted = trustedNetworks(config.trustedNetworks);
  const states = new WeakMap<SMTPServerSession, SessionState>();

  const stateOf = (session: SMTPServerSession): SessionState => {
    let state = states.get(session);
    if (!state) {
      const log = logger.child({ cid: session.id, client: plainAddress(session.remoteAddress) });
      state = { log, trusted: trusted(session.remoteAddress), counted: false, refusals: 0, targets: new Map() };
      states.set(session, state);
    }
    return state;
  };
  const userOf = (session: SMTPServerSession): User | undefined => session.user as User | undefined;
  const clientOf = (session: SMTPServerSession): Client => {
    const user = userOf(session);
    return { listener, trusted: stateOf(session).trusted, ...(user && { user }) };
  };

  /** Runs a handler; a refusal becomes its reply (counted), anything else a logged 451. */
  const gate = <T>(session: SMTPServerSession, run: () => Promise<T>, callback: (err: Error | null, value?: T) => void) => {
    run().then(
      (value) => callback(null, value),
      (error: unknown) => {
        const state = stateOf(session);
        if (!isExpected(error)) state.log.error({ err: error }, 'internal failure, answered as a temporary error');
        else if (error instanceof SmtpRefusal && REPLIES[error.reason].code >= 500) {
          state.log.info({ reason: error.reason }, error.message);
          if (++state.refusals > config.smtp.maxRefusedCommands) error = new SmtpRefusal('TooManyRefusals');
        }
        callback(toWireError(error));
      },
    );
  };

  return {
    onConnect(session, callback) {
      gate(session, async () => {
        const state = stateOf(session);
        if (!limiter.enter(session.remoteAddress)) throw new SmtpRefusal('TooManyConnections');
        state.counted = true;
      }, callback);
    },

    onClose(session) {
      const state = states.get(session);
      if (state?.counted) limiter.leave(session.remoteAddress);
    },

    onAuth(auth: SMTPServerAuthentication, session, callback: (err: Error | null | undefined, response?: SMTPServerAuthenticationResponse) => void) {
      gate(session, async (): Promise<SMTPServerAuthenticationResponse> => {
        // A PLAIN authorization identity other than the user itself would be acting for someone else.
        if (auth.authzid && auth.authzid.toLowerCase() !== String(auth.authcid ?? auth.username).toLowerCase()) throw new SmtpRefusal('AuthFailed');
        const result = await runtime.auth.authenticate({
          protocol: 'smtp',
          clientAddress: session.remoteAddress,
          secure: session.secure,
          mechanism: auth.method === 'LOGIN' ? 'LOGIN' : 'PLAIN',
          username: String(auth.username ?? ''),
          password: String(auth.password ?? ''),
        });
        if (!result.ok) throw new SmtpRefusal(AUTH_REFUSALS[result.reason]);
        const user: User = { accountId: result.accountId, address: result.address, username: result.address };
        return { user };
      }, callback);
    },

    onMailFrom(address: SMTPServerAddress, session, callback) {
      gate(session, async () => {
        const client = clientOf(session);
        stateOf(session).targets = new Map();
        checkMayStart(client);
        if (client.user && config.smtp.ownSenderAddressesOnly) {
          checkSender(address.address, await runtime.recipients.addressesOf(client.user.accountId));
        }
      }, callback);
    },

    onRcptTo(address: SMTPServerAddress, session, callback) {
      gate(session, async () => {
        const target = recipientTarget(address.address, await runtime.recipients.resolve(address.address), clientOf(session));
        stateOf(session).targets.set(address.address.toLowerCase(), target);
      }, callback);
    },

    onData(stream: SMTPServerDataStream, session, callback: (err?: Error | null, message?: string) => void) {
      const state = stateOf(session);
      const transactionId = newId();
      const user = userOf(session);
      const clientAddress = plainAddress(session.remoteAddress);
      const actor: Actor = user
        ? { kind: 'user', id: user.accountId, protocol: 'smtp', address: clientAddress }
        : { kind: 'system', id: `smtp-${listener}`, protocol: 'smtp', address: clientAddress };
      const targets = session.envelope.rcptTo.flatMap((r) => state.targets.get(r.address.toLowerCase()) ?? []);
      const mailFrom = session.envelope.mailFrom ? session.envelope.mailFrom.address : '';
      const tlsInfo = session.tlsOptions ? { protocol: session.tlsOptions.version ?? 'TLS', cipher: session.tlsOptions.name } : undefined;
      const tx = {
        transactionId,
        mailFrom,
        targets,
        clientAddress,
        actor,
        trace: {
          helo: session.hostNameAppearsAs || clientAddress,
          clientAddress,
          hostname: config.hostname,
          secure: session.secure,
          authenticated: user !== undefined,
          smtpUtf8: session.envelope.smtpUtf8 === true,
          ...(tlsInfo && { tls: tlsInfo }),
        },
      };
      void (async () => {
        let outcome: Outcome | undefined;
        let failure: unknown;
        try {
          outcome = await deliverer.receive(stream, tx);
        } catch (error) {
          failure = error;
        }
        // The reply waits for the client's last byte: a refusal part-way still reads DATA to its end.
        if (!stream.readableEnded) {
          stream.resume();
          await finished(stream).catch(() => {});
        }
        if (!outcome) {
          if (isExpected(failure)) state.log.info({ transactionId, reason: reasonOf(failure) }, 'message refused');
          else state.log.error({ err: failure, transactionId }, 'message not stored, answered as a temporary error');
          return callback(toWireError(failure));
        }
        state.log.info({ transactionId, mailFrom, rcpt: targets.length, ...outcome }, 'message stored');
        callback(null, `Ok: stored as ${transactionId}`);
      })();
    },
  };
}
