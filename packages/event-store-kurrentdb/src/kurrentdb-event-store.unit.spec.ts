import { afterEach, describe, expect, it } from '@jest/globals';
import { StreamNotFoundError, WrongExpectedVersionError, type AppendStreamState, type CurrentStreamState } from '@kurrent/kurrentdb-client';
import { ExpectedVersionConflictError, type EventStore, type SubscriptionHandler } from '@wharf/event-store';
import { getKurrentDbEventStore } from './kurrentdb-event-store';
import { eventPosition } from './positions';
import { FakeKurrentDb, storedEvent } from './testing-only/fake-kurrentdb';

/*
 * The adapter against a scripted stand-in for the server (the client's real subscription stream, fed messages
 * the test writes). The contract suite runs against a real KurrentDB in the int tier; these tests pin down the
 * ordering and progress rules, which are the adapter's own.
 */

interface Call {
  events: number[];
  checkpoint: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const eventually = async (condition: () => boolean, ms = 2000): Promise<void> => {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not reached in time');
    await sleep(2);
  }
};

const recorder = (delayMs = 0) => {
  const calls: Call[] = [];
  const handler: SubscriptionHandler = async (events, checkpoint) => {
    calls.push({ events: events.map((event) => event.position), checkpoint });
    if (delayMs) await sleep(delayMs);
  };
  return { calls, handler, last: () => calls.at(-1)?.checkpoint ?? 0 };
};

/** Every checkpoint covers the events handed over with or before it, and none handed over later. */
const expectCheckpointsInOrder = (calls: Call[]): void => {
  calls.forEach((call, i) => {
    const delivered = calls.slice(0, i + 1).flatMap((c) => c.events);
    const later = calls.slice(i + 1).flatMap((c) => c.events);
    expect(delivered.every((position) => position <= call.checkpoint)).toBe(true);
    expect(later.every((position) => position > call.checkpoint)).toBe(true);
  });
};

const wanted = (position: number, type = 'Counted') => storedEvent('wanted.s-1', position, type);
const other = (position: number) => storedEvent('other.s-1', position);

describe('KurrentDB event store against a scripted server', () => {
  let fake: FakeKurrentDb;
  let store: EventStore;
  const open = (tailCheckIntervalMs = 10_000): EventStore => {
    fake = new FakeKurrentDb();
    store = getKurrentDbEventStore({ client: fake.asClient(), tailCheckIntervalMs });
    return store;
  };
  const subscribeWanted = (handler: SubscriptionHandler, from: number | 'start' = 'start') =>
    store.subscribe({ from, filter: { streamPrefixes: ['wanted.'] } }, handler);
  const server = () => {
    const [subscription] = fake.subscriptions;
    if (!subscription) throw new Error('no subscription was opened');
    return subscription;
  };

  afterEach(async () => {
    await store.close();
  });

  describe('subscriptions', () => {
    it('asks the server for a stream-prefix filter, or for every non-system event without one', async () => {
      open();
      subscribeWanted(async () => undefined);
      store.subscribe({ from: 'start' }, async () => undefined);
      expect(fake.subscriptions.map((s) => s.options.filter)).toMatchObject([
        { filterOn: 'streamName', prefixes: ['wanted.'], checkpointInterval: 1 },
        { filterOn: 'eventType', regex: '^[^$].*', checkpointInterval: 1 },
      ]);
    });

    it('hands over events and checkpoints in the order the server sent them, a batch at a time', async () => {
      open();
      fake.log.push(wanted(100), other(200), wanted(300), other(400));
      const { calls, handler, last } = recorder(5);
      subscribeWanted(handler);
      server().event(wanted(100));
      server().checkpoint(200, 0);
      server().event(wanted(300));
      server().checkpoint(400);
      await eventually(() => last() === 400);
      expect(calls.flatMap((call) => call.events)).toEqual([100, 300]);
      expectCheckpointsInOrder(calls);
    });

    it('reports the head once caught up when nothing it would deliver lies before it', async () => {
      open();
      fake.log.push(wanted(100), other(200));
      const { calls, handler, last } = recorder();
      subscribeWanted(handler);
      server().event(wanted(100));
      server().caughtUp();
      await eventually(() => last() === 200);
      expect(calls).toEqual([
        { events: [100], checkpoint: 100 },
        { events: [], checkpoint: 200 },
      ]);
    });

    it('does not report the head while an event it must deliver is still on its way', async () => {
      open();
      fake.log.push(wanted(100), other(200), wanted(300));
      const { calls, handler, last } = recorder();
      subscribeWanted(handler);
      server().event(wanted(100));
      server().caughtUp();
      await eventually(() => fake.reads.length >= 2); // the head, then the first matching event after 100
      await sleep(20);
      expect(calls).toEqual([{ events: [100], checkpoint: 100 }]);
      server().event(wanted(300));
      await eventually(() => last() === 300);
      expectCheckpointsInOrder(calls);
    });

    it('checks the tail when the subscription stays quiet, also without a caught-up notice', async () => {
      open(10);
      fake.log.push(wanted(100), other(200));
      const { calls, handler, last } = recorder();
      subscribeWanted(handler);
      server().event(wanted(100));
      await eventually(() => last() === 200);
      expectCheckpointsInOrder(calls);
    });

    it('leaves system events out but counts them as seen', async () => {
      open();
      const { calls, handler, last } = recorder();
      subscribeWanted(handler);
      server().event(wanted(100));
      server().event(wanted(150, '$metadata'));
      await eventually(() => last() === 150);
      expect(calls.flatMap((call) => call.events)).toEqual([100]);
    });

    it('starts strictly after the given position', async () => {
      open();
      const { calls, handler, last } = recorder();
      subscribeWanted(handler, 200);
      expect(server().options.fromPosition).toEqual({ commit: 200n, prepare: 200n });
      server().event(wanted(200)); // a server that included its start position would send this one again
      server().event(wanted(300));
      await eventually(() => last() === 300);
      expect(calls.flatMap((call) => call.events)).toEqual([300]);
    });

    it('never runs the handler twice at once', async () => {
      open();
      let running = 0;
      let most = 0;
      const seen: number[] = [];
      subscribeWanted(async (events) => {
        running += 1;
        most = Math.max(most, running);
        await sleep(5);
        seen.push(...events.map((event) => event.position));
        running -= 1;
      });
      for (const position of [100, 200, 300, 400]) {
        server().event(wanted(position));
        await sleep(1);
      }
      await eventually(() => seen.length === 4);
      expect(most).toBe(1);
      expect(seen).toEqual([100, 200, 300, 400]);
    });

    it('stops after the handler call under way, delivering nothing more, and cancels the call', async () => {
      open();
      let release = (): void => undefined;
      const calls: number[][] = [];
      const subscription = subscribeWanted(async (events) => {
        calls.push(events.map((event) => event.position));
        await new Promise<void>((resolve) => (release = resolve));
      });
      server().event(wanted(100));
      await eventually(() => calls.length === 1);
      let stopped = false;
      const stopping = subscription.stop().then(() => (stopped = true));
      server().event(wanted(200));
      await sleep(10);
      expect(stopped).toBe(false);
      release();
      await stopping;
      await sleep(10);
      expect(calls).toEqual([[100]]);
      await eventually(() => server().call.cancelled);
      await expect(subscription.done).resolves.toBeUndefined();
    });

    it('ends with the handler error through done, and cancels the call', async () => {
      open();
      const subscription = subscribeWanted(async () => {
        throw new Error('projection failed');
      });
      server().event(wanted(100));
      await expect(subscription.done).rejects.toThrow('projection failed');
      await eventually(() => server().call.cancelled);
    });

    it('ends with the server error through done', async () => {
      open();
      const subscription = subscribeWanted(async () => undefined);
      await sleep(5);
      server().fail(new Error('connection reset'));
      await expect(subscription.done).rejects.toThrow('connection reset');
    });

    it('reports a closed store through done', async () => {
      open();
      await store.close();
      await expect(subscribeWanted(async () => undefined).done).rejects.toThrow('closed');
    });
  });

  describe('reads', () => {
    it('reads $all after a position, excluding it, in both directions', async () => {
      open();
      fake.log.push(wanted(100), other(200), wanted(300));
      const positions = async (options: Parameters<EventStore['readAll']>[0]) => (await store.readAll(options)).map((e) => e.position);
      expect(await positions({})).toEqual([100, 200, 300]);
      expect(await positions({ after: 100 })).toEqual([200, 300]);
      expect(await positions({ after: 100, maxCount: 1 })).toEqual([200]);
      expect(await positions({ direction: 'backwards' })).toEqual([300, 200, 100]);
      expect(await positions({ direction: 'backwards', after: 300 })).toEqual([200, 100]);
      expect(await positions({ direction: 'backwards', after: 0 })).toEqual([]);
    });

    it('also reads from numbers the server refuses as start positions', async () => {
      open();
      fake.log.push(wanted(100), other(200), wanted(300));
      expect((await store.readAll({ after: 99 })).map((e) => e.position)).toEqual([100, 200, 300]);
      expect((await store.readAll({ after: 150, maxCount: 1 })).map((e) => e.position)).toEqual([200]);
      expect((await store.readAll({ direction: 'backwards', after: 301 })).map((e) => e.position)).toEqual([300, 200, 100]);
    });

    it('gives the newest non-system event as the head, 0 for an empty log', async () => {
      open();
      expect(await store.headPosition()).toBe(0);
      fake.log.push(wanted(100), storedEvent('$$wanted.s-1', 200, '$metadata'));
      expect(await store.headPosition()).toBe(100);
    });

    it('reads an absent stream as empty', async () => {
      open();
      Object.assign(fake, {
        readStream: () =>
          (async function* () {
            yield* [];
            throw new StreamNotFoundError(undefined, 'absent');
          })(),
      });
      expect(await store.readStream('absent')).toEqual([]);
    });
  });

  describe('appends', () => {
    const conflictOn = (current: CurrentStreamState) => {
      const states: AppendStreamState[] = [];
      Object.assign(fake, {
        appendToStream: async (streamName: string, _events: unknown, { streamState }: { streamState: AppendStreamState }) => {
          states.push(streamState);
          throw new WrongExpectedVersionError(undefined, { streamName, expected: streamState, current });
        },
      });
      return states;
    };

    it('passes the expected revision and translates a conflict, -1 standing for no stream', async () => {
      open();
      const states = conflictOn(1n);
      const attempt = store.appendToStream('s-1', [{ type: 'Counted', data: {} }], { expectedRevision: 0 });
      await expect(attempt).rejects.toBeInstanceOf(ExpectedVersionConflictError);
      await expect(attempt).rejects.toMatchObject({ stream: 's-1', expected: 0, actual: 1 });
      conflictOn('no_stream');
      await expect(store.appendToStream('s-2', [{ type: 'Counted', data: {} }], { expectedRevision: 'stream_exists' })).rejects.toMatchObject({
        expected: 'stream_exists',
        actual: -1,
      });
      expect(states).toEqual([0n]);
    });
  });
});

describe('positions', () => {
  it('refuses events whose commit and prepare positions differ, and numbers beyond 2^53', () => {
    expect(eventPosition({ commit: 5n, prepare: 5n }, 'event e')).toBe(5);
    expect(() => eventPosition({ commit: 9n, prepare: 5n }, 'event e')).toThrow('explicit transactions');
    expect(() => eventPosition({ commit: 2n ** 53n, prepare: 2n ** 53n }, 'event e')).toThrow('does not fit');
  });
});
