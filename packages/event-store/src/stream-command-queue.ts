import type { CommandResult } from './command-handling';
import { backoff } from './conflict-backoff';
import { ExpectedVersionConflictError, NO_STREAM, type EventStore } from './event-store';
import type { Command, Decider, Event } from './types';

export interface StreamCommandQueueOptions {
  /** How many times a batch is decided again after a concurrent write by someone else; 0 disables retrying. */
  retries?: number;
  /** Streams whose fold is kept between commands; the least recently used beyond this are forgotten. */
  maxCachedStreams?: number;
  /** Most commands decided and appended together. */
  maxBatch?: number;
}

/** A stream folded up to `revision` (-1: no stream), whose last event is at `position`. */
interface Fold {
  decider: Decider<unknown, Command, Event>;
  state: unknown;
  revision: number;
  position: number;
}

interface Pending {
  decider: Decider<unknown, Command, Event>;
  command: Command;
  resolve: (result: CommandResult<unknown, Event>) => void;
  reject: (error: unknown) => void;
}

/** One stream's commands: the fold kept between them, and those waiting for the batch under way. */
interface Lane {
  fold?: Fold | undefined;
  waiting: Pending[];
  busy: boolean;
}

type Outcome = { events: Event[] } | { error: unknown };

/**
 * The write path of a service, stream by stream. Each stream's fold is kept between commands, so a command reads
 * only the events appended since the last one (by anyone) instead of the whole stream. Commands on one stream run
 * one batch at a time: those that arrive while a batch is being appended are decided together next, each on the
 * state the earlier ones left, and appended at once with the revision read, which shares one write (and its fsync)
 * among them instead of having them conflict. A command whose decision fails gets its error once the batch is
 * stored; a conflict with a writer elsewhere decides the whole batch again from a fresh read.
 *
 * Deciders' `evolve` may update the state in place: a fold is only ever used by one batch at a time, and one
 * that took events which were then not appended is dropped and read again.
 */
export class StreamCommandQueue {
  private readonly lanes = new Map<string, Lane>();
  private readonly retries: number;
  private readonly maxCachedStreams: number;
  private readonly maxBatch: number;

  constructor(
    private readonly store: EventStore,
    { retries = 20, maxCachedStreams = 1000, maxBatch = 256 }: StreamCommandQueueOptions = {},
  ) {
    this.retries = retries;
    this.maxCachedStreams = maxCachedStreams;
    this.maxBatch = maxBatch;
  }

  run<State, C extends Command, E extends Event>(stream: string, decider: Decider<State, C, E>, command: C): Promise<CommandResult<State, E>> {
    return new Promise((resolve, reject) => {
      const lane = this.lane(stream);
      lane.waiting.push({
        decider: decider as unknown as Decider<unknown, Command, Event>,
        command,
        resolve: resolve as (result: CommandResult<unknown, Event>) => void,
        reject,
      });
      if (!lane.busy) void this.drain(stream, lane);
    });
  }

  /** The stream's lane, as the most recently used one. */
  private lane(stream: string): Lane {
    const lane = this.lanes.get(stream) ?? { waiting: [], busy: false };
    this.lanes.delete(stream);
    this.lanes.set(stream, lane);
    return lane;
  }

  private async drain(stream: string, lane: Lane): Promise<void> {
    lane.busy = true;
    while (lane.waiting.length > 0) {
      // One decider per batch: the commands up to the first that names another one.
      const first = lane.waiting[0]!;
      let size = 1;
      while (size < lane.waiting.length && size < this.maxBatch && lane.waiting[size]!.decider === first.decider) size++;
      await this.runBatch(stream, lane, lane.waiting.splice(0, size));
    }
    lane.busy = false;
    this.forgetIdleLanes();
  }

  private forgetIdleLanes(): void {
    for (const [stream, lane] of this.lanes) {
      if (this.lanes.size <= this.maxCachedStreams) return;
      if (!lane.busy) this.lanes.delete(stream);
    }
  }

  /** The stream folded with `decider` up to its last event, from the kept fold when there is one. */
  private async fold(stream: string, lane: Lane, decider: Fold['decider']): Promise<Fold> {
    const kept = lane.fold?.decider === decider ? lane.fold : undefined;
    lane.fold = undefined; // in use until the batch is stored
    const fold: Fold = kept ?? { decider, state: decider.initialState(), revision: -1, position: 0 };
    const recorded = await this.store.readStream(stream, { fromRevision: fold.revision + 1 });
    for (const event of recorded) fold.state = decider.evolve(fold.state, event);
    const last = recorded.at(-1);
    return last ? { ...fold, revision: last.revision, position: last.position } : fold;
  }

  private async runBatch(stream: string, lane: Lane, batch: Pending[]): Promise<void> {
    const { decider } = batch[0]!;
    for (let attempt = 0; ; attempt++) {
      let fold: Fold;
      try {
        fold = await this.fold(stream, lane, decider);
      } catch (error) {
        for (const pending of batch) pending.reject(error);
        return;
      }
      const expected = fold.revision;
      const outcomes: Outcome[] = [];
      const appending: Event[] = [];
      for (const { command } of batch) {
        try {
          const events = decider.decide(command, fold.state).map((event) => ({ ...event, metadata: { ...command.metadata, ...event.metadata } }));
          // The next command of the batch decides on the state these events leave.
          for (const event of events) fold.state = decider.evolve(fold.state, event);
          outcomes.push({ events });
          appending.push(...events);
        } catch (error) {
          outcomes.push({ error });
        }
      }
      let revision = fold.revision;
      let position = fold.position;
      if (appending.length > 0) {
        try {
          ({ nextExpectedRevision: revision, position } = await this.store.appendToStream(stream, appending, {
            expectedRevision: expected === -1 ? NO_STREAM : expected,
          }));
        } catch (error) {
          // The fold took events that were not stored: it is read again.
          if (error instanceof ExpectedVersionConflictError && attempt < this.retries) {
            await backoff(attempt);
            continue;
          }
          for (const pending of batch) pending.reject(error);
          return;
        }
      }
      lane.fold = { ...fold, revision, position };
      batch.forEach((pending, i) => {
        const outcome = outcomes[i]!;
        if ('error' in outcome) pending.reject(outcome.error);
        else pending.resolve({ newEvents: outcome.events, newState: fold.state, nextExpectedRevision: revision, position });
      });
      return;
    }
  }
}
