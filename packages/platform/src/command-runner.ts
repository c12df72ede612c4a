import { Inject, Injectable } from '@nestjs/common';
import { DomainError } from '@wharf/contracts';
import { ExpectedVersionConflictError, StreamCommandQueue, type Actor, type Command, type CommandResult, type Decider, type Event, type EventStore } from '@wharf/event-store';
import type { Document, Projection } from '@wharf/read-model';
import { ProjectionHost } from './projection-host';
import { CLOCK, EVENT_STORE, type Clock } from './tokens';

/**
 * The write path every service shares: stamp the command with the time and the actor, read-decide-append with
 * retries (each stream's fold kept between commands, concurrent commands on one stream appended together: see
 * StreamCommandQueue), then answer only once the read models that serve the next read have applied it
 * (read-your-writes).
 */
@Injectable()
export class CommandRunner {
  private readonly queue: StreamCommandQueue;

  constructor(
    @Inject(EVENT_STORE) events: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly projections: ProjectionHost,
  ) {
    this.queue = new StreamCommandQueue(events);
  }

  now(): string {
    return this.clock.now().toISOString();
  }

  async run<S, C extends Command, E extends Event>(
    stream: string,
    decider: Decider<S, C, E>,
    command: { type: C['type']; data: C['data'] },
    options: { actor?: Pick<Actor, 'accountId' | 'userId'>; readModels: readonly Projection<Document, never>[]; now?: string },
  ): Promise<CommandResult<S, E>> {
    const metadata = { now: options.now ?? this.now(), ...(options.actor ? { actor: { accountId: options.actor.accountId, userId: options.actor.userId } } : {}) };
    const result = await this.queue.run(stream, decider, { ...command, metadata } as C).catch((error: unknown) => {
      // Still contended after every retry: a retryable conflict for the caller, not an internal error.
      throw error instanceof ExpectedVersionConflictError ? new DomainError('PLATFORM.CONCURRENCY_CONFLICT', { stream }) : error;
    });
    await Promise.all(options.readModels.map((projection) => this.projections.waitFor(projection, result.position)));
    return result;
  }
}
