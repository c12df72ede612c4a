import type { EventStore, RecordedEvent, Subscription } from '@wharf/event-store';
import type { Document, DocumentStore, DocumentWrite, StoredDocument } from './document-store';
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
  /** Called when a batch fails; the runner then restarts from its checkpoint after `retryDelayMs`. */
  onError?: (error: unknown, projection: string) => void;
  retryDelayMs?: number;
  batchSize?: number;
}

/**
 * A batch that changes no document moves the checkpoint in memory only; it is stored with the next batch that
 * writes, on stop, or once it is this many positions ahead of the stored one. A restart then reads again at most
 * that many positions of events this projection has no use for.
 */
export const CHECKPOINT_LAG = 1000;
/** Events applied and committed together before the runner lets other work run. */
const SLICE = 200;

interface Waiter {
  position: number;
  resolve: () => void;
}

/**
 * Catches a projection up from the event store and keeps it live. Documents and checkpoint are committed
 * together per batch. `waitFor(position)` is the read-your-writes rule: it resolves once the projection has
 * applied everything up to that position.
 */
export class ProjectionRunner<D extends Document = Document> {
  readonly collection: string;
  private position = 0;
  /** The checkpoint as last stored. */
  private stored = 0;
  private committedWrites = 0;
  private subscription: Subscription | undefined;
  private stopped = true;
  private waiters: Waiter[] = [];
  private retryTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly events: EventStore,
    private readonly documents: DocumentStore,
    private readonly projection: Projection<D>,
    private readonly options: ProjectionRunnerOptions = {},
  ) {
    this.collection = collectionOf(projection);
  }

  get checkpoint(): number {
    return this.position;
  }

  /**
   * How many batches that changed documents this runner has committed: while it stays the same, a query on the
   * collection answers as it did (a reader caching an answer keeps this number with it).
   */
  get changes(): number {
    return this.committedWrites;
  }

  async start(): Promise<void> {
    if (!this.stopped) return;
    this.stopped = false;
    const { indexes, textIndexes } = this.projection;
    await this.documents.ensureCollection(this.collection, { ...(indexes ? { indexes } : {}), ...(textIndexes ? { textIndexes } : {}) });
    await this.subscribeFromCheckpoint();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    await this.subscription?.stop();
    this.subscription = undefined;
    if (this.position > this.stored) await this.storeCheckpoint([], this.position);
  }

  /** Resolves when everything up to `position` is applied; rejects with ReadModelLaggingError after `timeoutMs`. */
  waitFor(position: number, timeoutMs = 5000): Promise<void> {
    if (this.position >= position) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        position,
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
      };
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        reject(new ReadModelLaggingError(this.collection, position, this.position));
      }, timeoutMs);
      this.waiters.push(waiter);
    });
  }

  private async subscribeFromCheckpoint(): Promise<void> {
    const stored = await this.documents.readCheckpoint(this.collection);
    this.stored = stored ?? 0;
    this.advance(stored ?? 0);
    const subscription = this.events.subscribe(
      {
        from: stored ?? 'start',
        filter: { streamPrefixes: this.projection.streamPrefixes },
        ...(this.options.batchSize ? { batchSize: this.options.batchSize } : {}),
      },
      (batch, checkpoint) => this.apply(batch, checkpoint),
    );
    this.subscription = subscription;
    subscription.done.catch((error: unknown) => {
      if (this.stopped || this.subscription !== subscription) return;
      this.options.onError?.(error, this.collection);
      this.retryTimer = setTimeout(() => {
        if (!this.stopped) void this.subscribeFromCheckpoint().catch((e: unknown) => this.options.onError?.(e, this.collection));
      }, this.options.retryDelayMs ?? 1000);
    });
  }

  /**
   * Applies a batch a slice at a time, each slice's documents committed with its checkpoint, yielding to I/O
   * between slices: a long batch (catching up, or a garbage collection's thousands of events) then holds up
   * requests for one slice at most.
   */
  private async apply(batch: readonly RecordedEvent[], checkpoint: number): Promise<void> {
    let start = 0;
    for (; batch.length - start > SLICE; start += SLICE) {
      await this.applySlice(batch.slice(start, start + SLICE), batch[start + SLICE - 1]!.position);
      await new Promise((resolve) => setImmediate(resolve));
    }
    await this.applySlice(batch.slice(start), checkpoint);
  }

  private async applySlice(batch: readonly RecordedEvent[], checkpoint: number): Promise<void> {
    const current = new Map<string, StoredDocument<D> | null>();
    const writes = new Map<string, DocumentWrite>();
    for (const event of batch) {
      for (const id of this.projection.documentIds(event)) {
        if (!current.has(id)) current.set(id, await this.documents.readStored<D>(this.collection, id));
        const stored = current.get(id) ?? null;
        if (stored && stored.position >= event.position) continue;
        const doc = this.projection.evolve(stored?.doc ?? null, event, id);
        current.set(id, { doc, position: event.position });
        writes.set(id, { collection: this.collection, id, position: event.position, doc });
      }
    }
    if (writes.size > 0 || checkpoint - this.stored >= CHECKPOINT_LAG) await this.storeCheckpoint([...writes.values()], checkpoint);
    this.advance(checkpoint);
  }

  private async storeCheckpoint(writes: DocumentWrite[], checkpoint: number): Promise<void> {
    // Counted before the commit as well as after: a query started while it commits never matches either count.
    if (writes.length > 0) this.committedWrites++;
    await this.documents.commit(writes, { name: this.collection, position: checkpoint });
    if (writes.length > 0) this.committedWrites++;
    this.stored = Math.max(this.stored, checkpoint);
  }

  private advance(position: number): void {
    if (position <= this.position) return;
    this.position = position;
    const ready = this.waiters.filter((w) => w.position <= position);
    this.waiters = this.waiters.filter((w) => w.position > position);
    for (const waiter of ready) waiter.resolve();
  }
}
