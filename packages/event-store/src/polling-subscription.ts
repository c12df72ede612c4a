import type { SubscribeOptions, Subscription, SubscriptionHandler } from './event-store';
import type { RecordedEvent } from './types';

export interface PageAfter {
  events: RecordedEvent[];
  /** Position read up to: the last event's, or the head's when the page ended before `limit`. */
  checkpoint: number;
}

export interface PollingSource {
  /** Events after `after` that pass the subscription's filter, at most `limit` of them. */
  pageAfter(after: number, limit: number): Promise<PageAfter>;
  /**
   * Calls `wake` whenever the log may have grown: after every append in this process, and after appends by
   * other processes as far as the store notices them. Returns the unsubscribe function.
   */
  onAppend(wake: () => void): () => void;
}

/** Lets timers and I/O (requests being served) run before the next page: stores may page without awaiting anything. */
const yieldToIo = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/**
 * Catch-up-then-live subscription for stores that can be read by position: adapters supply paging and
 * an append signal, this loop supplies ordering, back-pressure and stop semantics. Once caught up it reads
 * nothing until it is woken: an idle subscription costs no work. Between pages it yields to I/O, so catching up
 * a long log never holds up requests for longer than one page.
 */
export const pollingSubscription = (source: PollingSource, { from, batchSize = 1000 }: SubscribeOptions, handler: SubscriptionHandler): Subscription => {
  let stopped = false;
  let wake: (() => void) | undefined;
  let signalled = false;
  const unsubscribe = source.onAppend(() => {
    signalled = true;
    wake?.();
  });
  const idle = (): Promise<void> =>
    new Promise((resolve) => {
      if (signalled || stopped) return resolve();
      wake = () => {
        wake = undefined;
        resolve();
      };
    });

  const run = async (): Promise<void> => {
    let position = from === 'start' ? 0 : from;
    try {
      while (!stopped) {
        signalled = false;
        const page = await source.pageAfter(position, batchSize);
        if (stopped) break;
        if (page.events.length > 0 || page.checkpoint > position) {
          await handler(page.events, page.checkpoint);
          position = page.checkpoint;
        }
        if (page.events.length < batchSize) await idle();
        else await yieldToIo();
      }
    } finally {
      unsubscribe();
    }
  };
  const done = run();
  done.catch(() => undefined); // observed through `done`; never an unhandled rejection
  return {
    done,
    async stop() {
      stopped = true;
      wake?.();
      await done.catch(() => undefined);
    },
  };
};
