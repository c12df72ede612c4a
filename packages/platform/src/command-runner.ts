import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { DomainError } from '@wharf/contracts';
import {
  COMMAND_REFUSED,
  ExpectedVersionConflictError,
  NO_STREAM,
  refusalStreamOf,
  StreamCommandQueue,
  type Actor,
  type Command,
  type CommandRefused,
  type CommandResult,
  type Decider,
  type Event,
  type EventMetadata,
  type EventStore,
} from '@wharf/event-store';
import type { Document, Projection } from '@wharf/read-model';
import { ProjectionHost } from './projection-host';
import { CLOCK, EVENT_STORE, type Clock } from './tokens';

/** Who runs a command: a principal, of which events record the ids, the token and the names at the time. */
export type CommandActor = { [K in keyof Actor]: Actor[K] | (undefined extends Actor[K] ? undefined : never) };

const recordedActor = ({ accountId, userId, tokenId, accountName, userName }: CommandActor): Actor => ({
  accountId,
  userId,
  ...(tokenId !== undefined ? { tokenId } : {}),
  ...(accountName !== undefined ? { accountName } : {}),
  ...(userName !== undefined ? { userName } : {}),
});

/**
 * The write path every service shares: stamp the command with the time and the actor, read-decide-append with
 * retries (each stream's fold kept between commands, concurrent commands on one stream appended together: see
 * StreamCommandQueue), then answer only once the read models that serve the next read have applied it
 * (read-your-writes). A decider's refusal for lack of permission (a 403 error) of a command with an actor is
 * recorded as CommandRefused before the error goes back to the caller.
 */
@Injectable()
export class CommandRunner {
  private readonly queue: StreamCommandQueue;

  constructor(
    @Inject(EVENT_STORE) private readonly events: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly projections: ProjectionHost,
  ) {
    this.queue = new StreamCommandQueue(this.events);
  }

  now(): string {
    return this.clock.now().toISOString();
  }

  async run<S, C extends Command, E extends Event>(
    stream: string,
    decider: Decider<S, C, E>,
    command: { type: C['type']; data: C['data'] },
    options: { actor?: CommandActor; readModels: readonly Projection<Document, never>[]; now?: string },
  ): Promise<CommandResult<S, E>> {
    const metadata = { now: options.now ?? this.now(), ...(options.actor ? { actor: recordedActor(options.actor) } : {}) };
    const result = await this.queue.run(stream, decider, { ...command, metadata } as C).catch(async (error: unknown) => {
      // Still contended after every retry: a retryable conflict for the caller, not an internal error.
      if (error instanceof ExpectedVersionConflictError) throw new DomainError('PLATFORM.CONCURRENCY_CONFLICT', { stream });
      if (error instanceof DomainError && error.status === 403 && metadata.actor) await this.recordRefusal(stream, command.type, error.code, metadata);
      throw error;
    });
    await Promise.all(options.readModels.map((projection) => this.projections.waitFor(projection, result.position)));
    return result;
  }

  private async recordRefusal(stream: string, command: string, code: string, metadata: EventMetadata): Promise<void> {
    const refused: CommandRefused = { type: COMMAND_REFUSED, data: { command, stream, code }, metadata };
    await this.events.appendToStream(refusalStreamOf(stream, randomUUID()), [refused], { expectedRevision: NO_STREAM });
  }
}
