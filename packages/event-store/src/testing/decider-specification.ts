import { expect } from '@jest/globals';
import type { Command, Decider, Event } from '../types';

/**
 * Given/when/then for deciders: `given(events).when(command).then(events)` or `.thenThrows(match)`.
 * No framework, no mocks: the decider is a pair of pure functions.
 */
export const DeciderSpecification = {
  for: <State, C extends Command, E extends Event>(decider: Decider<State, C, E>) => ({
    given: (events: E[]) => ({
      when: (command: C) => {
        const run = () => decider.decide(command, events.reduce(decider.evolve, decider.initialState()));
        return {
          then: (expected: E[]) => expect(run()).toEqual(expected),
          thenThrows: (match: Record<string, unknown>) => {
            let thrown: unknown;
            try {
              run();
            } catch (error) {
              thrown = error;
            }
            expect(thrown).toMatchObject(match);
          },
        };
      },
    }),
  }),
};
