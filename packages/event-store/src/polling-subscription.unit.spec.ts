import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals';
import { pollingSubscription, type PollingSource } from './polling-subscription';
import type { RecordedEvent } from './types';

const event = (position: number): RecordedEvent => ({ id: `e${position}`, streamName: 's-1', revision: position - 1, position, type: 'T', data: {}, metadata: {} });

/** A log in memory whose pages are counted, with the append signal in the test's hands. */
const source = () => {
  const log: RecordedEvent[] = [];
  let wake: (() => void) | undefined;
  const pages: number[] = [];
  const polling: PollingSource = {
    async pageAfter(after, limit) {
      pages.push(after);
      const events = log.filter((e) => e.position > after).slice(0, limit);
      return { events, checkpoint: events.length === limit ? events.at(-1)!.position : log.length };
    },
    onAppend(w) {
      wake = w;
      return () => (wake = undefined);
    },
  };
  return { log, pages, polling, append: () => (log.push(event(log.length + 1)), wake?.()) };
};

describe('pollingSubscription', () => {
  beforeEach(() => {
    jest.useFakeTimers();
  });
  afterEach(() => {
    jest.useRealTimers();
  });

  it('reads nothing while idle, however long, and reads again when woken by an append', async () => {
    const { pages, polling, append } = source();
    const seen: number[] = [];
    append();
    const subscription = pollingSubscription(polling, { from: 'start' }, async (events) => {
      seen.push(...events.map((e) => e.position));
    });
    await jest.advanceTimersByTimeAsync(10 * 60_000);
    expect(seen).toEqual([1]);
    const idleReads = pages.length;
    await jest.advanceTimersByTimeAsync(10 * 60_000);
    expect(pages.length).toBe(idleReads);
    append();
    await jest.advanceTimersByTimeAsync(0);
    expect(seen).toEqual([1, 2]);
    await subscription.stop();
  });
});
