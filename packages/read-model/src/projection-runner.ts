import type { EventStore, RecordedEvent, Subscription } from '@wharf/event-store';
import type { Checkpoint, Document, DocumentStore, DocumentWrite, StoredDocument } from './document-store';
import { collectionOf, type Projection } from './projection';

export class ReadModelLaggingError extends Error {
  constructor(
    readonly projection: string,
    readonly wanted: number,
    readonly reached: number,
  ) {
    super(`Projection ${projection} reached position ${reached}, not ${wanted}, in time`);
    this.name = 'ReadModelLaggingError';
  }
}

export interface ProjectionRunnerOptions {
  /**
   * Called when a batch fails, with the collection of the projection that failed (or of every projection, when
   * their commit failed); the runner then restarts from the checkpoints after `retryDelayMs`.
   */
  onError?: (error: unknown, projection: string) => void;
  retryDelayMs?: number;
  batchSize?: number;
}

/**
 * A batch that changes none of a projection's documents moves its checkpoint in memory only; it is stored with the
 * next batch that writes, on stop, or once it is this many positions ahead of the stored one. A restart then reads
 * again at most that many positions of events the projection has no use for.
 */
export const CHECKPOINT_LAG = 1000;
/**
 * Events applied and committed together before the runner lets other work run, times the projections they are
 * applied to: a runner of many projections commits fewer events at a time, so a slice takes about as long whatever
 * the number of projections.
 */
const SLICE_WORK = 200;

interface Waiter {
  position: number;
  resolve: () => void;
}

/** One projection's progress within the runner. */
interface Tracked {
  projection: Projection;
  collection: string;
  /** Applied up to here (in memory). */
  position: number;
  /** The checkpoint as last stored. */
  stored: number;
  committedWrites: number;
  waiters: Waiter[];
}

/** A checkpoint to store with a commit. */
interface Storing {
  tracked: Tracked;
  position: number;
}

/** Records which projection a failure belongs to, for the runner's report. */
class ProjectionFailure extends Error {
  constructor(
    readonly projection: string,
    readonly failure: unknown,
  ) {
    super(`${projection}: ${String(failure)}`);
  }
}

const readsStream = (projection: Projection, stream: string): boolean =>
  projection.streamPrefixes.length === 0 || projection.streamPrefixes.some((prefix) => stream.startsWith(prefix));

/**
 * Catches a service's projections up from the event store and keeps them live, all of them from one
 * subscription: each batch is applied to every projection, and the documents they write are committed together
 * with their checkpoints, in one transaction of the document store. `waitFor(name, position)` is the
 * read-your-writes rule: it resolves once that projection has applied everything up to the position.
 */
export class ProjectionRunner {
  private readonly tracked = new Map<string, Tracked>();
  private subscription: Subscription | undefined;
  private stopped = true;
  private retryTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly events: EventStore,
    private readonly documents: DocumentStore,
    projections: readonly Projection<Document, never>[],
    private readonly options: ProjectionRunnerOptions = {},
  ) {
    for (const projection of projections as readonly Projection[]) {
      if (this.tracked.has(projection.name)) throw new Error(`Projection ${projection.name} is given twice`);
      this.tracked.set(projection.name, { projection, collection: collectionOf(projection), position: 0, stored: 0, committedWrites: 0, waiters: [] });
    }
  }

  /** The collection a projection writes (its name and version). */
  collectionOf(name: string): string {
    return this.track(name).collection;
  }

  /** The position a projection has applied everything up to. */
  checkpointOf(name: string): number {
    return this.track(name).position;
  }

  /**
   * How many batches that changed the projection's documents this runner has committed: while it stays the same,
   * a query on its collection answers as it did (a reader caching an answer keeps this number with it).
   */
  changesOf(name: string): number {
    return this.track(name).committedWrites;
  }

  async start(): Promise<void> {
    if (!this.stopped) return;
    this.stopped = false;
    for (const { projection, collection } of this.tracked.values()) {
      const { indexes, textIndexes } = projection;
      await this.documents.ensureCollection(collection, { ...(indexes ? { indexes } : {}), ...(textIndexes ? { textIndexes } : {}) });
    }
    await this.subscribeFromCheckpoints();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    await this.subscription?.stop();
    this.subscription = undefined;
    const behind = [...this.tracked.values()].filter((t) => t.position > t.stored);
    if (behind.length > 0) await this.commit([], behind.map((tracked) => ({ tracked, position: tracked.position })), []);
  }

  /** Resolves when the projection has applied everything up to `position`; rejects with ReadModelLaggingError after `timeoutMs`. */
  waitFor(name: string, position: number, timeoutMs = 5000): Promise<void> {
    const tracked = this.track(name);
    if (tracked.position >= position) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        position,
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
      };
      const timer = setTimeout(() => {
        tracked.waiters = tracked.waiters.filter((w) => w !== waiter);
        reject(new ReadModelLaggingError(tracked.collection, position, tracked.position));
      }, timeoutMs);
      tracked.waiters.push(waiter);
    });
  }

  private track(name: string): Tracked {
    const tracked = this.tracked.get(name);
    if (!tracked) throw new Error(`Projection ${name} is not run here (not one of this service's projections)`);
    return tracked;
  }

  /** Subscribes from the lowest stored checkpoint, to the streams any of the projections reads. */
  private async subscribeFromCheckpoints(): Promise<void> {
    const all = [...this.tracked.values()];
    if (all.length === 0) return;
    for (const tracked of all) {
      tracked.stored = (await this.documents.readCheckpoint(tracked.collection)) ?? 0;
      this.advance(tracked, tracked.stored);
    }
    const from = Math.min(...all.map((t) => t.stored));
    const everyStream = all.some((t) => t.projection.streamPrefixes.length === 0);
    const prefixes = [...new Set(all.flatMap((t) => t.projection.streamPrefixes))];
    const everyCollection = all.map((t) => t.collection).join(', ');
    const subscription = this.events.subscribe(
      {
        from: from === 0 ? 'start' : from,
        ...(everyStream ? {} : { filter: { streamPrefixes: prefixes } }),
        ...(this.options.batchSize ? { batchSize: this.options.batchSize } : {}),
      },
      (batch, checkpoint) => this.apply(batch, checkpoint),
    );
    this.subscription = subscription;
    subscription.done.catch((error: unknown) => {
      if (this.stopped || this.subscription !== subscription) return;
      if (error instanceof ProjectionFailure) this.options.onError?.(error.failure, error.projection);
      else this.options.onError?.(error, everyCollection);
      this.retryTimer = setTimeout(() => {
        if (!this.stopped) void this.subscribeFromCheckpoints().catch((e: unknown) => this.options.onError?.(e, everyCollection));
      }, this.options.retryDelayMs ?? 1000);
    });
  }

  /**
   * Applies a batch a slice at a time, each slice's documents committed with the checkpoints, yielding to I/O
   * between slices: a long batch (catching up, or a garbage collection's thousands of events) then holds up
   * requests for one slice at most.
   */
  private async apply(batch: readonly RecordedEvent[], checkpoint: number): Promise<void> {
    const slice = Math.max(1, Math.floor(SLICE_WORK / this.tracked.size));
    let start = 0;
    for (; batch.length - start > slice; start += slice) {
      await this.applySlice(batch.slice(start, start + slice), batch[start + slice - 1]!.position);
      await new Promise((resolve) => setImmediate(resolve));
    }
    await this.applySlice(batch.slice(start), checkpoint);
  }

  private async applySlice(batch: readonly RecordedEvent[], checkpoint: number): Promise<void> {
    const writes: DocumentWrite[] = [];
    const storing: Storing[] = [];
    const changed: Tracked[] = [];
    for (const tracked of this.tracked.values()) {
      let own: DocumentWrite[];
      try {
        own = await this.evolve(tracked, batch);
      } catch (error) {
        throw new ProjectionFailure(tracked.collection, error);
      }
      if (own.length > 0) {
        writes.push(...own);
        changed.push(tracked);
      }
      if (own.length > 0 || checkpoint - tracked.stored >= CHECKPOINT_LAG) storing.push({ tracked, position: checkpoint });
    }
    if (storing.length > 0) await this.commit(writes, storing, changed);
    for (const tracked of this.tracked.values()) this.advance(tracked, checkpoint);
  }

  /** The documents the projection writes for the events of the batch it has not applied yet. */
  private async evolve(tracked: Tracked, batch: readonly RecordedEvent[]): Promise<DocumentWrite[]> {
    const { projection, collection } = tracked;
    const current = new Map<string, StoredDocument | null>();
    const writes = new Map<string, DocumentWrite>();
    for (const event of batch) {
      if (event.position <= tracked.position || !readsStream(projection, event.streamName)) continue;
      for (const id of projection.documentIds(event)) {
        if (!current.has(id)) current.set(id, await this.documents.readStored(collection, id));
        const stored = current.get(id) ?? null;
        if (stored && stored.position >= event.position) continue;
        const doc = projection.evolve(stored?.doc ?? null, event, id);
        current.set(id, { doc, position: event.position });
        writes.set(id, { collection, id, position: event.position, doc });
      }
    }
    return [...writes.values()];
  }

  /** Commits the documents with the checkpoints in `storing`; `changed` are the projections the documents belong to. */
  private async commit(writes: DocumentWrite[], storing: Storing[], changed: Tracked[]): Promise<void> {
    // Counted before the commit as well as after: a query started while it commits never matches either count.
    for (const tracked of changed) tracked.committedWrites++;
    await this.documents.commit(
      writes,
      storing.map(({ tracked, position }): Checkpoint => ({ name: tracked.collection, position })),
    );
    for (const tracked of changed) tracked.committedWrites++;
    for (const { tracked, position } of storing) tracked.stored = Math.max(tracked.stored, position);
  }

  private advance(tracked: Tracked, position: number): void {
    if (position <= tracked.position) return;
    tracked.position = position;
    const ready = tracked.waiters.filter((w) => w.position <= position);
    tracked.waiters = tracked.waiters.filter((w) => w.position > position);
    for (const waiter of ready) waiter.resolve();
  }
}
