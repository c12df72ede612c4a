import { Inject, Injectable, Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { DomainError } from '@wharf/contracts';
import type { EventStore } from '@wharf/event-store';
import { DOCUMENT_STORE, EVENT_STORE, PROJECTIONS } from './tokens';
import { ProjectionRunner, ReadModelLaggingError, type DocumentStore, type Document, type Projection } from '@wharf/read-model';

/**
 * Runs a service's projections for as long as the service runs, and gives handlers the read-your-writes
 * wait: a command answers only once the read models it serves have applied its events.
 */
@Injectable()
export class ProjectionHost implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('ProjectionHost');
  private readonly runner: ProjectionRunner;
  private readonly names: readonly string[];
  private started: Promise<void> | undefined;
  private readonly waitTimeoutMs = 10000;
  /** Per projection, whether its collection was empty when the runner had committed `changes` batches. */
  private readonly emptiness = new Map<string, { changes: number; empty: boolean }>();

  constructor(
    @Inject(EVENT_STORE) private readonly events: EventStore,
    @Inject(DOCUMENT_STORE) private readonly documents: DocumentStore,
    @Inject(PROJECTIONS) projections: readonly Projection<Document, never>[],
  ) {
    // One runner for all of the service's projections: one subscription, one commit per batch of events.
    this.runner = new ProjectionRunner(events, documents, projections, {
      onError: (error, name) => this.logger.error(`Projection ${name} failed; retrying from its checkpoint: ${String(error)}`),
    });
    this.names = projections.map((projection) => projection.name);
  }

  /** Starts every projection; safe to call again (services that need their read models at start-up do). */
  start(): Promise<void> {
    this.started ??= this.runner.start();
    return this.started;
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.start();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.runner.stop();
  }

  /** Resolves once `projection` has applied every event up to `position`. */
  async waitFor(projection: Projection<Document, never> | string, position: number): Promise<void> {
    const name = typeof projection === 'string' ? projection : projection.name;
    try {
      await this.runner.waitFor(name, position, this.waitTimeoutMs);
    } catch (error) {
      if (error instanceof ReadModelLaggingError) {
        throw new DomainError('PLATFORM.READ_MODEL_LAGGING', { projection: name, position, reached: error.reached });
      }
      throw error;
    }
  }

  /** Resolves once every hosted projection has caught up with the log as it is now. */
  async waitForHead(): Promise<void> {
    const head = await this.events.headPosition();
    await Promise.all(this.names.map((name) => this.waitFor(name, head)));
  }

  /**
   * Readiness of the read models: each one's stored checkpoint is read back from the document store, and each
   * reaches the head of the log as it is now within `boundMs`.
   */
  async caughtUpWithin(boundMs: number): Promise<{ headPosition: number; projections: { name: string; checkpoint: number }[] }> {
    const headPosition = await this.events.headPosition();
    await Promise.all(this.names.map((name) => this.documents.readCheckpoint(this.runner.collectionOf(name))));
    await Promise.all(this.names.map((name) => this.runner.waitFor(name, headPosition, boundMs)));
    return { headPosition, projections: this.checkpoints() };
  }

  /** The projection's count of committed changes (ProjectionRunner.changesOf), for readers that cache answers. */
  changesOf(projection: Projection<Document, never>): number {
    return this.runner.changesOf(projection.name);
  }

  /**
   * Whether the projection's collection holds no document once it has applied the log up to `position` (waited
   * for as `waitFor` does, failing as it does). The answer is kept until the projection next commits a change, so a
   * follower of the log can skip work that only a document of it would call for (a trigger, a sync task).
   */
  async emptyThrough(projection: Projection<Document, never>, position: number): Promise<boolean> {
    await this.waitFor(projection, position);
    // Read before the count: a change committed meanwhile makes it be counted again next time.
    const changes = this.runner.changesOf(projection.name);
    let known = this.emptiness.get(projection.name);
    if (known?.changes !== changes) {
      known = { changes, empty: (await this.collection(projection).count()) === 0 };
      this.emptiness.set(projection.name, known);
    }
    return known.empty;
  }

  checkpoints(): { name: string; checkpoint: number }[] {
    return this.names.map((name) => ({ name, checkpoint: this.runner.checkpointOf(name) }));
  }

  /** The collection a projection writes, for the service's queries. */
  collection<D extends Document>(projection: Projection<D, never>) {
    return this.documents.collection<D>(this.runner.collectionOf(projection.name));
  }
}
