import { describe, expect, it } from '@jest/globals';
import { NO_STREAM, type EventStore, type ReadStreamOptions } from './event-store';
import { getInMemoryEventStore } from './in-memory-event-store';
import { StreamCommandQueue } from './stream-command-queue';
import type { Command, Decider, Event } from './types';

type Counted = Event<'Counted', { n: number }>;
type Count = Command<'Count', { refuse?: boolean }>;
/** Each command records the count so far, so an event decided on a stale state shows as a repeated number. */
const counter: Decider<{ n: number }, Count, Counted> = {
  initialState: () => ({ n: 0 }),
  evolve: (state, event) => {
    state.n = event.data.n + 1; // in place, as the repository decider does
    return state;
  },
  decide: (command, state) => {
    if (command.data.refuse) throw new Error(`refused at ${state.n}`);
    return [{ type: 'Counted', data: { n: state.n } }];
  },
};
const count = (refuse = false): Count => ({ type: 'Count', data: refuse ? { refuse } : {}, metadata: { now: '2026-01-01T00:00:00.000Z' } });

/** The in-memory store, recording what is read and appended. */
const observed = () => {
  const inner = getInMemoryEventStore();
  const reads: (ReadStreamOptions | undefined)[] = [];
  const appends: number[] = [];
  const store: EventStore = {
    ...inner,
    readStream: (stream, options) => (reads.push(options), inner.readStream(stream, options)),
    appendToStream: (stream, events, options) => (appends.push(events.length), inner.appendToStream(stream, events, options)),
  };
  return { store, inner, reads, appends };
};

const numbers = async (store: EventStore, stream: string) => (await store.readStream(stream)).map((e) => (e.data as { n: number }).n);

describe('StreamCommandQueue', () => {
  it('reads only the events after the fold it kept from the previous command', async () => {
    const { store, reads } = observed();
    const queue = new StreamCommandQueue(store);
    for (let i = 0; i < 5; i++) await queue.run('c-1', counter, count());
    expect(reads.map((options) => options?.fromRevision)).toEqual([0, 1, 2, 3, 4]);
    expect(await numbers(store, 'c-1')).toEqual([0, 1, 2, 3, 4]);
  });

  it('decides concurrent commands on one stream in turn and appends those that arrive together at once', async () => {
    const { store, appends } = observed();
    const queue = new StreamCommandQueue(store);
    const results = await Promise.all(Array.from({ length: 8 }, () => queue.run('c-2', counter, count())));
    expect(await numbers(store, 'c-2')).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(appends).toEqual([1, 7]);
    expect(results.map((r) => r.newEvents.map((e) => e.data.n))).toEqual([[0], [1], [2], [3], [4], [5], [6], [7]]);
    expect(new Set(results.slice(1).map((r) => r.position)).size).toBe(1);
  });

  it('fails only the command whose decision fails, once the others are stored', async () => {
    const { store } = observed();
    const queue = new StreamCommandQueue(store);
    await queue.run('c-3', counter, count());
    const outcomes = await Promise.allSettled([queue.run('c-3', counter, count()), queue.run('c-3', counter, count(true)), queue.run('c-3', counter, count())]);
    expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect((outcomes[1] as PromiseRejectedResult).reason).toEqual(new Error('refused at 2'));
    expect(await numbers(store, 'c-3')).toEqual([0, 1, 2]);
  });

  it('decides again on what another writer appended meanwhile, never on the fold it kept', async () => {
    const { store, inner } = observed();
    const queue = new StreamCommandQueue(store);
    await queue.run('c-4', counter, count());
    await inner.appendToStream('c-4', [{ type: 'Counted', data: { n: 1 } }], { expectedRevision: 0 });
    await queue.run('c-4', counter, count());
    // A writer that slips in between the read and the append: the batch conflicts and is decided again.
    let raced = false;
    const racing: EventStore = {
      ...store,
      appendToStream: async (stream, events, options) => {
        if (!raced) {
          raced = true;
          await inner.appendToStream(stream, [{ type: 'Counted', data: { n: 3 } }]);
        }
        return inner.appendToStream(stream, events, options);
      },
    };
    const other = new StreamCommandQueue(racing);
    await other.run('c-4', counter, count());
    await queue.run('c-4', counter, count());
    expect(await numbers(store, 'c-4')).toEqual([0, 1, 2, 3, 4, 5]);
  });

  it('answers a command that changes nothing with the stream as it is', async () => {
    const { store } = observed();
    const queue = new StreamCommandQueue(store);
    const nothing: Decider<{ n: number }, Count, Counted> = { ...counter, decide: () => [] };
    expect(await queue.run('c-5', nothing, count())).toMatchObject({ newEvents: [], nextExpectedRevision: -1, position: 0 });
    const { position } = await store.appendToStream('c-5', [{ type: 'Counted', data: { n: 0 } }], { expectedRevision: NO_STREAM });
    expect(await queue.run('c-5', nothing, count())).toMatchObject({ newEvents: [], nextExpectedRevision: 0, position });
  });
});
