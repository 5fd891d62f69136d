// given / when / then for deciders, with a deterministic command context.
import assert from 'node:assert/strict';
import type { Decider } from './decider.ts';
import type { CommandContext, DomainEvent } from './event.ts';

export function testContext(now = '2026-05-19T10:00:00.000Z', prefix = 'id'): CommandContext {
  let n = 0;
  return {
    now,
    actor: { kind: 'user', id: 'tester', protocol: 'test' },
    origin: 'test-node',
    newId: () => `${prefix}-${++n}`,
  };
}

type Expectation<E> = readonly Readonly<{ type: string; data: unknown }>[] | ((events: E[]) => void);

/** `given(history).when(command, ctx).then(expected)` — compares type and data, not metadata. */
export function scenario<C, S, E extends DomainEvent>(decider: Decider<C, S, E>) {
  return {
    given(history: readonly E[]) {
      return {
        when(command: C, ctx: CommandContext = testContext()) {
          const run = () => {
            let state = decider.initialState();
            for (const e of history) state = decider.evolve(state, e);
            return decider.decide(command, state, ctx);
          };
          return {
            then(expected: Expectation<E>) {
              const events = run();
              if (typeof expected === 'function') expected(events);
              else assert.deepEqual(events.map((e) => ({ type: e.type, data: e.data })), expected);
              return events;
            },
            thenThrows(code: string) {
              assert.throws(run, (error: unknown) => (error as { code?: string }).code === code);
            },
          };
        },
      };
    },
  };
}
