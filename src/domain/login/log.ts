// The account's login stream, written through the domain like every other write: a login is a
// fact to record, not a command to decide, so it is appended without reading the stream.
import type { EventStore } from '../../store/event-store.ts';
import { eventOf, type CommandContext } from '../event.ts';
import { loginStream, type LoggedIn, type LoginData, type LoginRefused } from './events.ts';

export class LoginLog {
  constructor(private readonly events: EventStore) {}

  /** A login, or one refused (`refused`), on the account's stream; resolves once durable. */
  async record(login: LoginData, ctx: CommandContext, refused?: LoginRefused['data']['reason']): Promise<void> {
    const event = refused
      ? (eventOf('LoginRefused', { ...login, reason: refused }, ctx) satisfies LoginRefused)
      : (eventOf('LoggedIn', login, ctx) satisfies LoggedIn);
    await this.events.append(loginStream(login.accountId), [event]);
  }
}
