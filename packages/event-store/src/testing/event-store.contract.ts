import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { handleCommand } from '../command-handling';
import { ANY, ExpectedVersionConflictError, NO_STREAM, STREAM_EXISTS, type EventStore } from '../event-store';
import type { Command, Decider, Event, RecordedEvent } from '../types';

export interface EventStoreContractOptions {
  /** Opens a store. Called once per suite, and again by `reopen` tests for durable adapters. */
  open: () => Promise<EventStore>;
  /** Durable adapters: open a new instance over the same storage, as a restarted process would. */
  reopen?: () => Promise<EventStore>;
  teardown?: () => Promise<void>;
}

type Counted = Event<'Counted', { n: number }>;
const counted = (n: number): Counted => ({ type: 'Counted', data: { n } });

/** A decider whose every command appends exactly one event numbered after the last: gaps would show. */
const counterDecider: Decider<number, Command<'Count', Record<string, never>>, Counted> = {
  initialState: () => 0,
  evolve: (state) => state + 1,
  decide: (_command, state) => [counted(state)],
};

const collect = (
  store: EventStore,
  from: number | 'start',
  prefix: string,
  until: (events: RecordedEvent[]) => boolean,
): Promise<{ events: RecordedEvent[]; checkpoint: number }> =>
  new Promise((resolve, reject) => {
    const events: RecordedEvent[] = [];
    const subscription = store.subscribe({ from, filter: { streamPrefixes: [prefix] }, batchSize: 7 }, async (batch, checkpoint) => {
      events.push(...batch);
      if (until(events)) {
        void subscription.stop().then(() => resolve({ events, checkpoint }));
      }
    });
    subscription.done.catch(reject);
  });

export const eventStoreContract = (name: string, options: EventStoreContractOptions): void =>
  describe(`EventStore contract: ${name}`, () => {
    let store: EventStore;
    /** Fresh stream names per test, so suites can share a server and never see each other's events. */
    const prefix = () => `contract${randomUUID().replace(/-/g, '')}.`;

    beforeAll(async () => {
      store = await options.open();
    });
    afterAll(async () => {
      await store.close();
      await options.teardown?.();
    });

    it('appends to a new stream with NO_STREAM and reads revisions from 0 in order', async () => {
      const stream = `${prefix()}s-1`;
      const result = await store.appendToStream(stream, [counted(0), counted(1), counted(2)], { expectedRevision: NO_STREAM });
      expect(result.nextExpectedRevision).toBe(2);
      const events = await store.readStream(stream);
      expect(events.map((e) => [e.revision, e.type, e.data])).toEqual([
        [0, 'Counted', { n: 0 }],
        [1, 'Counted', { n: 1 }],
        [2, 'Counted', { n: 2 }],
      ]);
      expect(events.every((e) => e.streamName === stream && typeof e.id === 'string')).toBe(true);
      expect(result.position).toBe(events[2]!.position);
    });

    it('keeps metadata with the event', async () => {
      const stream = `${prefix()}s-1`;
      const metadata = { correlationId: 'c-1', now: '2026-01-01T00:00:00.000Z', actor: { accountId: 'a', userId: 'u' } };
      await store.appendToStream(stream, [{ ...counted(0), metadata }]);
      const [event] = await store.readStream(stream);
      expect(event?.metadata).toEqual(metadata);
    });

    it('reads an absent stream as empty', async () => {
      expect(await store.readStream(`${prefix()}s-absent`)).toEqual([]);
    });

    it('appends at the exact expected revision', async () => {
      const stream = `${prefix()}s-1`;
      const first = await store.appendToStream(stream, [counted(0)], { expectedRevision: NO_STREAM });
      const second = await store.appendToStream(stream, [counted(1)], { expectedRevision: first.nextExpectedRevision });
      expect(second.nextExpectedRevision).toBe(1);
      expect(second.position).toBeGreaterThan(first.position);
    });

    it('rejects a stale revision with ExpectedVersionConflictError and appends nothing', async () => {
      const stream = `${prefix()}s-1`;
      await store.appendToStream(stream, [counted(0), counted(1)]);
      const attempt = store.appendToStream(stream, [counted(99)], { expectedRevision: 0 });
      await expect(attempt).rejects.toBeInstanceOf(ExpectedVersionConflictError);
      await expect(attempt).rejects.toMatchObject({ stream, expected: 0, actual: 1 });
      expect((await store.readStream(stream)).map((e) => e.data)).toEqual([{ n: 0 }, { n: 1 }]);
    });

    it('rejects NO_STREAM on an existing stream and STREAM_EXISTS on an absent one', async () => {
      const stream = `${prefix()}s-1`;
      await store.appendToStream(stream, [counted(0)], { expectedRevision: NO_STREAM });
      await expect(store.appendToStream(stream, [counted(1)], { expectedRevision: NO_STREAM })).rejects.toMatchObject({ actual: 0 });
      await expect(store.appendToStream(`${prefix()}s-2`, [counted(0)], { expectedRevision: STREAM_EXISTS })).rejects.toMatchObject({
        actual: -1,
      });
      const ok = await store.appendToStream(stream, [counted(1)], { expectedRevision: STREAM_EXISTS });
      expect(ok.nextExpectedRevision).toBe(1);
    });

    it('appends with ANY whatever the stream holds', async () => {
      const stream = `${prefix()}s-1`;
      await store.appendToStream(stream, [counted(0)], { expectedRevision: ANY });
      const result = await store.appendToStream(stream, [counted(1)], { expectedRevision: ANY });
      expect(result.nextExpectedRevision).toBe(1);
    });

    it('reads backwards, from a revision, and at most maxCount events', async () => {
      const stream = `${prefix()}s-1`;
      await store.appendToStream(stream, [0, 1, 2, 3, 4].map(counted));
      const backwards = await store.readStream(stream, { direction: 'backwards' });
      expect(backwards.map((e) => e.revision)).toEqual([4, 3, 2, 1, 0]);
      const lastTwo = await store.readStream(stream, { direction: 'backwards', maxCount: 2 });
      expect(lastTwo.map((e) => e.revision)).toEqual([4, 3]);
      const fromTwo = await store.readStream(stream, { fromRevision: 2, maxCount: 2 });
      expect(fromTwo.map((e) => e.revision)).toEqual([2, 3]);
      const backFromOne = await store.readStream(stream, { direction: 'backwards', fromRevision: 1 });
      expect(backFromOne.map((e) => e.revision)).toEqual([1, 0]);
    });

    it('orders events of all streams by a global position that grows with every append', async () => {
      const p = prefix();
      const a = await store.appendToStream(`${p}a-1`, [counted(0)]);
      const b = await store.appendToStream(`${p}b-1`, [counted(0), counted(1)]);
      const c = await store.appendToStream(`${p}a-1`, [counted(1)]);
      expect(a.position).toBeLessThan(b.position);
      expect(b.position).toBeLessThan(c.position);
      expect(await store.headPosition()).toBeGreaterThanOrEqual(c.position);
      const all = (await store.readAll({ after: a.position - 1 })).filter((e) => e.streamName.startsWith(p));
      expect(all.map((e) => [e.streamName.slice(p.length), e.revision])).toEqual([
        ['a-1', 0],
        ['b-1', 0],
        ['b-1', 1],
        ['a-1', 1],
      ]);
      const positions = all.map((e) => e.position);
      expect([...positions].sort((x, y) => x - y)).toEqual(positions);
      expect(new Set(positions).size).toBe(positions.length);
      const backwards = (await store.readAll({ direction: 'backwards', after: c.position + 1, maxCount: 50 })).filter((e) =>
        e.streamName.startsWith(p),
      );
      expect(backwards.map((e) => e.position)).toEqual([...positions].reverse());
    });

    it('accepts 100 parallel appends to different streams, each at its own position', async () => {
      const p = prefix();
      const results = await Promise.all(
        Array.from({ length: 100 }, (_, i) => store.appendToStream(`${p}s-${i}`, [counted(i)], { expectedRevision: NO_STREAM })),
      );
      expect(results.every((r) => r.nextExpectedRevision === 0)).toBe(true);
      expect(new Set(results.map((r) => r.position)).size).toBe(100);
      const { events } = await collect(store, 'start', p, (seen) => seen.length === 100);
      expect(new Set(events.map((e) => e.streamName)).size).toBe(100);
    });

    it('lets 5 concurrent command handlers on one stream all succeed through retry, with no gap', async () => {
      const stream = `${prefix()}counter-1`;
      const command = { type: 'Count' as const, data: {}, metadata: { now: '2026-01-01T00:00:00.000Z' } };
      const results = await Promise.all(Array.from({ length: 5 }, () => handleCommand(store, stream, counterDecider, command)));
      expect(results.map((r) => r.nextExpectedRevision).sort()).toEqual([0, 1, 2, 3, 4]);
      const events = await store.readStream(stream);
      expect(events.map((e) => [e.revision, (e.data as { n: number }).n])).toEqual([0, 1, 2, 3, 4].map((n) => [n, n]));
    });

    it('delivers stored events, then live ones, in global order to a subscriber', async () => {
      const p = prefix();
      await store.appendToStream(`${p}s-1`, [counted(0), counted(1)]);
      const received = collect(store, 'start', p, (seen) => seen.length === 4);
      await new Promise((resolve) => setTimeout(resolve, 20));
      await store.appendToStream(`${p}s-2`, [counted(2)]);
      await store.appendToStream(`${p}s-1`, [counted(3)]);
      const { events } = await received;
      expect(events.map((e) => (e.data as { n: number }).n)).toEqual([0, 1, 2, 3]);
      expect(events.map((e) => e.position)).toEqual([...events.map((e) => e.position)].sort((x, y) => x - y));
    });

    it('filters a subscription by stream prefix and still reports progress past filtered-out events', async () => {
      const wanted = prefix();
      const other = prefix();
      await store.appendToStream(`${wanted}s-1`, [counted(0)]);
      const last = await store.appendToStream(`${other}s-1`, [counted(1)]);
      const seen: RecordedEvent[] = [];
      let checkpoint = 0;
      await new Promise<void>((resolve, reject) => {
        const subscription = store.subscribe({ from: 'start', filter: { streamPrefixes: [wanted] } }, async (batch, at) => {
          seen.push(...batch);
          checkpoint = at;
          if (at >= last.position) void subscription.stop().then(resolve);
        });
        subscription.done.catch(reject);
      });
      expect(seen.map((e) => e.streamName)).toEqual([`${wanted}s-1`]);
      expect(checkpoint).toBeGreaterThanOrEqual(last.position);
    });

    it('resumes after a checkpoint with exactly the later events, and re-delivers them identically', async () => {
      const p = prefix();
      await store.appendToStream(`${p}s-1`, [counted(0), counted(1), counted(2)]);
      const first = await collect(store, 'start', p, (seen) => seen.length >= 2);
      const checkpoint = first.events[1]!.position;
      await store.appendToStream(`${p}s-1`, [counted(3)]);
      const resumed = await collect(store, checkpoint, p, (seen) => seen.length === 2);
      expect(resumed.events.map((e) => (e.data as { n: number }).n)).toEqual([2, 3]);
      const again = await collect(store, checkpoint, p, (seen) => seen.length === 2);
      expect(again.events.map((e) => [e.id, e.position])).toEqual(resumed.events.map((e) => [e.id, e.position]));
    });

    it('stops a subscription without delivering further events', async () => {
      const p = prefix();
      const seen: RecordedEvent[] = [];
      const subscription = store.subscribe({ from: 'start', filter: { streamPrefixes: [p] } }, async (batch) => {
        seen.push(...batch);
      });
      await subscription.stop();
      await store.appendToStream(`${p}s-1`, [counted(0)]);
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(seen).toEqual([]);
    });

    it('ends a subscription whose handler throws, reporting the error through done', async () => {
      const p = prefix();
      await store.appendToStream(`${p}s-1`, [counted(0)]);
      const subscription = store.subscribe({ from: 'start', filter: { streamPrefixes: [p] } }, async () => {
        throw new Error('projection failed');
      });
      await expect(subscription.done).rejects.toThrow('projection failed');
    });

    (options.reopen ? it : it.skip)('keeps events and serves subscriptions from a checkpoint after a restart', async () => {
      const p = prefix();
      await store.appendToStream(`${p}s-1`, [counted(0), counted(1)]);
      const { events } = await collect(store, 'start', p, (seen) => seen.length === 2);
      const checkpoint = events[0]!.position;
      await store.close();
      store = await options.reopen!();
      expect((await store.readStream(`${p}s-1`)).map((e) => e.revision)).toEqual([0, 1]);
      const live = collect(store, checkpoint, p, (seen) => seen.length === 2);
      await store.appendToStream(`${p}s-1`, [counted(2)], { expectedRevision: 1 });
      expect((await live).events.map((e) => (e.data as { n: number }).n)).toEqual([1, 2]);
    });
  });
