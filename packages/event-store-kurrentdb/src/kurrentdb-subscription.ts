import { excludeSystemEvents, START, streamNameFilter, type Filter, type KurrentDBClient, type Position } from '@kurrent/kurrentdb-client';
import type { RecordedEvent, SubscribeOptions, Subscription, SubscriptionFilter, SubscriptionHandler } from '@wharf/event-store';
import { checkpointPosition, logPosition } from './positions';
import { isSystemEvent, positionOf, storedEvent, toRecordedEvent } from './recorded-event';
import { SubscriptionFeed, type FeedItem } from './subscription-feed';

/** Events handed to the handler at once unless the subscriber asks otherwise; also the stream's buffer size. */
const DEFAULT_BATCH_SIZE = 500;

/** What the subscription needs from the store besides the client. */
export interface LogSubscriptionContext {
  client: KurrentDBClient;
  /** The store's `headPosition`: the newest non-system event's position, 0 for an empty log. */
  headPosition: () => Promise<number>;
  /** How long the subscription may be quiet before it checks whether it can report progress to the head. */
  tailCheckIntervalMs: number;
}

interface Batch {
  events: RecordedEvent[];
  checkpoint: number;
  caughtUp: boolean;
}

/**
 * The server-side filter: stream-name prefixes when the subscriber gives them, else every non-system event.
 * Filtered subscriptions are the ones that receive checkpoints, so both kinds report progress.
 */
const serverFilter = (filter: SubscriptionFilter | undefined, onCheckpoint?: (position: Position) => void): Filter => {
  const checkpoints = onCheckpoint ? { checkpointInterval: 1, checkpointReached: (_: unknown, position: Position) => onCheckpoint(position) } : {};
  return filter ? streamNameFilter({ prefixes: [...filter.streamPrefixes], ...checkpoints }) : excludeSystemEvents(checkpoints);
};

/**
 * A catch-up-then-live subscription to $all. One loop takes what the feed has ready (events, checkpoints, the
 * caught-up notice), hands it to the handler as one batch and waits for the handler before taking more.
 *
 * The server reports checkpoints only every so many events it looked at (32 by default), so once the log goes
 * quiet the last few filtered-out events would never be reported and a reader waiting for the head would wait
 * forever. When caught up, and whenever the feed stays quiet for `tailCheckIntervalMs`, the loop therefore checks
 * the tail itself (see `confirmedTail`).
 */
export class LogSubscription implements Subscription {
  readonly done: Promise<void>;
  private readonly batchSize: number;
  private readonly filter: SubscriptionFilter | undefined;
  /** The checkpoint last handed to the handler, or the position the subscription started after. */
  private position: number;
  private stopped = false;
  private feed: SubscriptionFeed | undefined;

  constructor(
    private readonly context: LogSubscriptionContext,
    { from, filter, batchSize = DEFAULT_BATCH_SIZE }: SubscribeOptions,
    private readonly handler: SubscriptionHandler,
  ) {
    this.position = from === 'start' ? 0 : from;
    this.batchSize = batchSize;
    this.filter = filter;
    this.done = this.run();
    this.done.catch(() => undefined); // observed through `done`; never an unhandled rejection
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.feed?.interrupt();
    await this.done.catch(() => undefined);
  }

  private async run(): Promise<void> {
    // Opened here rather than in the constructor so that a bad start position rejects `done` instead of throwing.
    const feed = this.open();
    let failure: { error: unknown } | undefined;
    try {
      await this.deliverUntilStopped(feed);
    } catch (error) {
      failure = { error };
    }
    try {
      await feed.close();
    } catch (error) {
      failure ??= { error }; // the first error is the one that explains what happened
    }
    if (failure) throw failure.error;
  }

  private open(): SubscriptionFeed {
    this.feed = new SubscriptionFeed((onCheckpoint) =>
      this.context.client.subscribeToAll(
        // The server starts strictly after the given position, as the port's `from` does.
        { fromPosition: this.position > 0 ? logPosition(this.position) : START, filter: serverFilter(this.filter, onCheckpoint) },
        { highWaterMark: this.batchSize },
      ),
    );
    return this.feed;
  }

  private async deliverUntilStopped(feed: SubscriptionFeed): Promise<void> {
    while (!this.stopped) {
      const batch = await this.nextBatch(feed);
      if (this.stopped) return;
      if (batch) await this.deliver(batch.events, batch.checkpoint);
      if (!batch || batch.caughtUp) await this.reportTail();
    }
  }

  /** Everything the feed has ready, up to `batchSize` events; undefined when nothing came in time. */
  private async nextBatch(feed: SubscriptionFeed): Promise<Batch | undefined> {
    const first = await this.nextItem(feed, Date.now() + this.context.tailCheckIntervalMs);
    if (!first) return undefined;
    const batch: Batch = { events: [], checkpoint: this.position, caughtUp: false };
    for (let item: FeedItem | undefined = first; item; item = batch.events.length < this.batchSize ? feed.take() : undefined) {
      this.add(batch, item);
    }
    return batch;
  }

  private async nextItem(feed: SubscriptionFeed, deadline: number): Promise<FeedItem | undefined> {
    for (;;) {
      const item = feed.take();
      const remaining = deadline - Date.now();
      if (item || this.stopped || remaining <= 0) return item;
      await feed.wait(remaining);
    }
  }

  private add(batch: Batch, item: FeedItem): void {
    switch (item.kind) {
      case 'event': {
        const event = storedEvent(item.resolved);
        const position = positionOf(event);
        if (position <= batch.checkpoint) return; // already delivered before a restart from this position
        // System events in a subscribed stream are not delivered, but the subscriber has seen past them.
        if (!isSystemEvent(event)) batch.events.push(toRecordedEvent(event, position));
        batch.checkpoint = position;
        return;
      }
      case 'checkpoint':
        batch.checkpoint = Math.max(batch.checkpoint, checkpointPosition(item.position));
        return;
      case 'caughtUp':
        batch.caughtUp = true;
        return;
    }
  }

  private async deliver(events: RecordedEvent[], checkpoint: number): Promise<void> {
    if (this.stopped || (events.length === 0 && checkpoint <= this.position)) return;
    await this.handler(events, checkpoint);
    this.position = checkpoint;
  }

  private async reportTail(): Promise<void> {
    const tail = await this.confirmedTail();
    if (tail !== undefined) await this.deliver([], tail);
  }

  /**
   * The head, when it is safe to report as a checkpoint: when no event the subscription would deliver lies
   * between the last checkpoint and the head. Then nothing at or below the head can still arrive (the log only
   * grows at its end, and everything up to the head is readable), so a subscriber storing the head as its
   * checkpoint never skips an event. If such an event exists it is on its way through the subscription, which
   * reports progress when it delivers it.
   */
  private async confirmedTail(): Promise<number | undefined> {
    const head = await this.context.headPosition();
    if (head <= this.position) return undefined;
    const next = await this.nextMatchingPosition();
    return next === undefined || next > head ? head : undefined;
  }

  /** Position of the first event after the last checkpoint that passes the subscription's server-side filter. */
  private async nextMatchingPosition(): Promise<number | undefined> {
    const after = this.position;
    const reading = this.context.client.readAll({
      fromPosition: after > 0 ? logPosition(after) : START,
      // A forward read includes the event at its start position, which the checkpoint already covers.
      maxCount: 2,
      filter: serverFilter(this.filter),
    });
    for await (const resolved of reading) {
      const position = positionOf(storedEvent(resolved));
      if (position > after) return position;
    }
    return undefined;
  }
}
