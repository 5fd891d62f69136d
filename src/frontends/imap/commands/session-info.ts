// NAMESPACE (RFC 2342), ENABLE (RFC 5161) and ID (RFC 2971): what clients ask about the server
// before they start working.
import { command, none } from '../command.ts';
import { bad } from '../protocol/args.ts';
import { quoted } from '../protocol/strings.ts';
import { ANY_STATE, AUTHENTICATED } from '../session.ts';

export const namespace = command({
  states: AUTHENTICATED,
  parse: none,
  async run(ctx) {
    await ctx.untagged('NAMESPACE (("" "/")) NIL NIL');
    return {};
  },
});

/** Nothing this server implements changes behaviour when enabled, so nothing is reported as enabled. */
export const enable = command({
  states: AUTHENTICATED,
  parse(args) {
    if (args.remaining === 0) bad('Missing capability names');
    while (args.remaining > 0) args.atom('a capability');
  },
  async run(ctx) {
    await ctx.untagged('ENABLED');
    return {};
  },
});

export const id = command({
  states: ANY_STATE,
  parse(args) {
    // The client's identification is accepted and only logged (it may name a device).
    const t = args.token('a parameter list or NIL');
    if (t.kind === 'atom' && t.value.toUpperCase() === 'NIL') return {};
    if (t.kind !== 'list') bad('Expected a parameter list or NIL');
    const fields: Record<string, string> = {};
    for (let i = 0; i + 1 < t.items.length; i += 2) {
      const [k, v] = [t.items[i]!, t.items[i + 1]!];
      if (k.kind === 'string' && v.kind === 'string') fields[k.value.toString('utf8').slice(0, 64)] = v.value.toString('utf8').slice(0, 256);
    }
    return fields;
  },
  async run(ctx, _state, fields) {
    if (Object.keys(fields).length) ctx.log.debug({ clientId: fields }, 'client identified itself');
    await ctx.untagged(`ID (${quoted('name')} ${quoted('postlog')} ${quoted('vendor')} ${quoted('postlog')})`);
    return {};
  },
});
