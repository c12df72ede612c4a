import { backoff } from './conflict-backoff';
import { ExpectedVersionConflictError, NO_STREAM, type EventStore } from './event-store';
import type { Command, Decider, Event, RecordedEvent } from './types';

export interface HandleCommandOptions {
  /** How many times to re-read and re-decide after a concurrent write; 0 disables retrying. */
  retries?: number;
}

export interface CommandResult<State, E extends Event> {
  newEvents: E[];
  newState: State;
  /** Revision of the stream's last event after the command, or -1 when the stream still does not exist. */
  nextExpectedRevision: number;
  /** Global position of the last appended event; the stream's head position when nothing was appended. */
  position: number;
}

/** Folds a stream into state. */
export const aggregateStream = <State, E extends Event>(
  events: readonly RecordedEvent[],
  decider: Pick<Decider<State, Command, E>, 'evolve' | 'initialState'>,
): State => events.reduce((state, event) => decider.evolve(state, event as unknown as E), decider.initialState());


/**
 * Read the stream, decide, append with the revision that was read. On a concurrent write the whole
 * read-decide-append runs again, so the decision is always made on the state it is appended after.
 */
export const handleCommand = async <State, C extends Command, E extends Event>(
  store: EventStore,
  stream: string,
  decider: Decider<State, C, E>,
  command: C,
  { retries = 20 }: HandleCommandOptions = {},
): Promise<CommandResult<State, E>> => {
  for (let attempt = 0; ; attempt++) {
    const recorded = await store.readStream(stream);
    const state = aggregateStream<State, E>(recorded, decider);
    const current = recorded.at(-1);
    const newEvents = decider.decide(command, state).map((event) => ({
      ...event,
      metadata: { ...command.metadata, ...event.metadata },
    }));
    if (newEvents.length === 0) {
      return { newEvents, newState: state, nextExpectedRevision: current?.revision ?? -1, position: current?.position ?? 0 };
    }
    try {
      const result = await store.appendToStream(stream, newEvents, {
        expectedRevision: current === undefined ? NO_STREAM : current.revision,
      });
      return {
        newEvents,
        newState: newEvents.reduce(decider.evolve, state),
        nextExpectedRevision: result.nextExpectedRevision,
        position: result.position,
      };
    } catch (error) {
      if (!(error instanceof ExpectedVersionConflictError) || attempt >= retries) throw error;
      await backoff(attempt);
    }
  }
};
