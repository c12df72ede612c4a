import type { AllStreamResolvedEvent, AllStreamSubscription, Position } from '@kurrent/kurrentdb-client';

export type FeedItem =
  | { kind: 'event'; resolved: AllStreamResolvedEvent }
  /** The server has looked at the log up to here, including events the filter left out. */
  | { kind: 'checkpoint'; position: Position }
  /** The subscription has delivered what the log held and now follows it live. */
  | { kind: 'caughtUp' };

interface Notice {
  /** How many events the stream produced before this notice. */
  afterEvents: number;
  item: FeedItem;
}

/**
 * The client's subscription is a readable stream of events, and two notifications travel beside it: checkpoints
 * through the filter's callback and `caughtUp` as an emitted event. Both are raised while the stream handles the
 * server message that carries them, when every event the server sent earlier is already in the stream's buffer.
 * Counting the events before each notification lets the feed hand out events and notifications in the order
 * the server sent them, so a checkpoint is never reported ahead of an event that precedes it.
 *
 * The feed pulls with `read()` (paused mode) and only when asked, so a slow subscriber leaves events in the
 * buffer and the stream's back-pressure reaches the server.
 */
export class SubscriptionFeed {
  private readonly source: AllStreamSubscription;
  private readonly notices: Notice[] = [];
  private eventsTaken = 0;
  private ended = false;
  private failure: { error: unknown } | undefined;
  private wake: (() => void) | undefined;

  /** `open` starts the client's subscription, passing the callback its filter reports checkpoints to. */
  constructor(open: (onCheckpoint: (position: Position) => void) => AllStreamSubscription) {
    this.source = open((position) => this.notice({ kind: 'checkpoint', position }));
    this.source.on('readable', this.notify);
    this.source.on('caughtUp', () => this.notice({ kind: 'caughtUp' }));
    this.source.on('end', () => {
      this.ended = true;
      this.notify();
    });
    // Kept for the stream's whole life: an 'error' event without a listener would crash the process.
    this.source.on('error', (error: unknown) => {
      this.failure ??= { error };
      this.notify();
    });
  }

  /** The next item when one is ready; throws once the stream has failed or ended and everything was taken. */
  take(): FeedItem | undefined {
    const [notice] = this.notices;
    if (notice && notice.afterEvents <= this.eventsTaken) {
      this.notices.shift();
      return notice.item;
    }
    const resolved = this.source.read() as AllStreamResolvedEvent | null;
    if (resolved !== null) {
      this.eventsTaken += 1;
      return { kind: 'event', resolved };
    }
    if (this.failure) throw this.failure.error;
    if (this.ended) throw new Error('KurrentDB ended the subscription');
    return undefined;
  }

  /** Resolves when an item may be ready, on `interrupt()`, or after `ms`. */
  wait(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const wakeUp = (): void => {
        clearTimeout(timer);
        this.wake = undefined;
        resolve();
      };
      const timer = setTimeout(wakeUp, ms);
      this.wake = wakeUp;
    });
  }

  interrupt(): void {
    this.notify();
  }

  /** Cancels the server call. The stream may never end after that, which is why stopping uses `interrupt`. */
  async close(): Promise<void> {
    await this.source.unsubscribe();
  }

  private notice(item: FeedItem): void {
    const afterEvents = this.eventsTaken + this.source.readableLength;
    const last = this.notices.at(-1);
    if (item.kind === 'checkpoint' && last?.item.kind === 'checkpoint' && last.afterEvents === afterEvents) {
      // Checkpoints with no event between them: only the later one matters, so a subscriber busy in its handler
      // while the server skips a long run of filtered-out events does not pile them up.
      last.item = item;
    } else {
      this.notices.push({ afterEvents, item });
    }
    this.notify();
  }

  private readonly notify = (): void => {
    this.wake?.();
  };
}
