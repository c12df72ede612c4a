import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from '@jest/globals';
import Database from 'better-sqlite3';
import {
  ExpectedVersionConflictError,
  NO_STREAM,
  handleCommand,
  type Command,
  type Decider,
  type Event,
  type EventStore,
  type RecordedEvent,
} from '@wharf/event-store';
import { eventStoreContract } from '@wharf/event-store/testing';
import { getSqliteEventStore } from './sqlite-event-store';
import { walCheckpointer } from './wal-checkpointer';

const dirs: string[] = [];
const tempFile = (): string => {
  const dir = mkdtempSync(join(tmpdir(), 'wharf-es-sqlite-'));
  dirs.push(dir);
  return join(dir, 'events.db');
};
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

const contractFile = tempFile();
eventStoreContract('sqlite', {
  open: async () => getSqliteEventStore({ path: contractFile }),
  reopen: async () => getSqliteEventStore({ path: contractFile }),
});

type Counted = Event<'Counted', { n: number }>;
const counted = (n: number): Counted => ({ type: 'Counted', data: { n } });
const counter: Decider<number, Command<'Count', Record<string, never>>, Counted> = {
  initialState: () => 0,
  evolve: (state) => state + 1,
  decide: (_command, state) => [counted(state)],
};
const count = { type: 'Count' as const, data: {}, metadata: { now: '2026-01-01T00:00:00.000Z' } };

/** Waits (bounded by jest's timeout) for something another connection makes true when it next polls. */
const until = async (condition: () => boolean): Promise<void> => {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 5));
};

const record = (store: EventStore, prefix: string): { seen: RecordedEvent[]; stop: () => Promise<void> } => {
  const seen: RecordedEvent[] = [];
  const subscription = store.subscribe({ from: 'start', filter: { streamPrefixes: [prefix] } }, async (events) => {
    seen.push(...events);
  });
  return { seen, stop: () => subscription.stop() };
};

describe('SQLite event store: commit batching', () => {
  it('commits a batch in which appends conflict: the others are stored, the conflicting ones are not', async () => {
    const store = getSqliteEventStore({ path: tempFile() });
    await store.appendToStream('s-1', [counted(0)]);
    // Issued in one turn of the event loop, so they share one transaction.
    const results = await Promise.allSettled([
      store.appendToStream('s-2', [counted(1)], { expectedRevision: NO_STREAM }),
      store.appendToStream('s-1', [counted(2)], { expectedRevision: 5 }),
      store.appendToStream('s-3', [counted(3)], { expectedRevision: NO_STREAM }),
      store.appendToStream('s-2', [counted(4)], { expectedRevision: NO_STREAM }),
      store.appendToStream('s-2', [counted(5)], { expectedRevision: 0 }),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled', 'rejected', 'fulfilled']);
    expect((results[1] as PromiseRejectedResult).reason).toBeInstanceOf(ExpectedVersionConflictError);
    expect((results[1] as PromiseRejectedResult).reason).toMatchObject({ stream: 's-1', expected: 5, actual: 0 });
    // The second NO_STREAM append to s-2 sees the first one of the same batch.
    expect((results[3] as PromiseRejectedResult).reason).toMatchObject({ stream: 's-2', expected: NO_STREAM, actual: 0 });
    expect((await store.readAll()).map((e) => e.data)).toEqual([{ n: 0 }, { n: 1 }, { n: 3 }, { n: 5 }]);
    await store.close();
  });

  it('rejects an event that cannot be stored as JSON without failing the appends batched with it', async () => {
    const store = getSqliteEventStore({ path: tempFile() });
    const results = await Promise.allSettled([
      store.appendToStream('good-1', [counted(0)]),
      store.appendToStream('bad-1', [{ type: 'Counted', data: { n: 1n } }]),
      store.appendToStream('good-2', [counted(2)]),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect((await store.readAll()).map((e) => e.streamName)).toEqual(['good-1', 'good-2']);
    await store.close();
  });

  it('answers an append of no events with the stream revision and the position of its last event', async () => {
    const store = getSqliteEventStore({ path: tempFile() });
    const written = await store.appendToStream('s-1', [counted(0), counted(1)]);
    await store.appendToStream('s-2', [counted(0)]);
    expect(await store.appendToStream('s-1', [], { expectedRevision: 1 })).toEqual(written);
    expect(await store.appendToStream('s-absent', [], { expectedRevision: NO_STREAM })).toEqual({ nextExpectedRevision: -1, position: 0 });
    await store.close();
  });
});

describe('SQLite event store: one file, two connections (as two processes)', () => {
  it('resolves conflicts across connections and delivers every event to both, in one order', async () => {
    const file = tempFile();
    const a = getSqliteEventStore({ path: file, pollIntervalMs: 5 });
    const b = getSqliteEventStore({ path: file, pollIntervalMs: 5 });
    const seenByA = record(a, 'shared.');
    const seenByB = record(b, 'shared.');

    const race = await Promise.allSettled(
      Array.from({ length: 10 }, (_, i) => (i % 2 ? a : b).appendToStream('shared.created-1', [counted(i)], { expectedRevision: NO_STREAM })),
    );
    const counters = Array.from({ length: 12 }, (_, i) => handleCommand(i % 2 ? a : b, 'shared.counter-1', counter, count, { retries: 100 }));
    const own = [a, b].flatMap((store, s) => Array.from({ length: 5 }, (_, i) => store.appendToStream(`shared.own-${s}-${i}`, [counted(i)])));
    await Promise.all([...counters, ...own]);

    expect(race.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect(race.filter((r) => r.status === 'rejected').every((r) => r.reason instanceof ExpectedVersionConflictError)).toBe(true);
    const counterEvents = await a.readStream('shared.counter-1');
    expect(counterEvents.map((e) => [e.revision, e.data])).toEqual(Array.from({ length: 12 }, (_, n) => [n, { n }]));

    const total = 1 + 12 + 10;
    await until(() => seenByA.seen.length === total && seenByB.seen.length === total);
    await Promise.all([seenByA.stop(), seenByB.stop()]);
    const positions = seenByA.seen.map((e) => e.position);
    expect(positions).toEqual([...positions].sort((x, y) => x - y));
    expect(seenByB.seen.map((e) => e.id)).toEqual(seenByA.seen.map((e) => e.id));
    await Promise.all([a.close(), b.close()]);
  });

  it('wakes a subscriber on one connection when the other appends, with no polling to find it', async () => {
    const file = tempFile();
    const hour = 3_600_000;
    const a = getSqliteEventStore({ path: file, pollIntervalMs: hour });
    const b = getSqliteEventStore({ path: file, pollIntervalMs: hour });
    const seenByB = record(b, 'woken.');
    await a.appendToStream('woken.s-1', [counted(0)]);
    await until(() => seenByB.seen.length === 1);
    await a.appendToStream('woken.s-1', [counted(1)]);
    await until(() => seenByB.seen.length === 2);
    expect(seenByB.seen.map((e) => e.data)).toEqual([{ n: 0 }, { n: 1 }]);
    await seenByB.stop();
    await Promise.all([a.close(), b.close()]);
  });

  it('shares the file with other tables, such as the read model keeps there', async () => {
    const file = tempFile();
    const other = new Database(file);
    other.exec('CREATE TABLE events (anything TEXT); INSERT INTO events VALUES (\'not an event\')');
    const store = getSqliteEventStore({ path: file });
    await store.appendToStream('s-1', [counted(0)]);
    expect(await store.readAll()).toHaveLength(1);
    expect(other.prepare('SELECT COUNT(*) AS n FROM events').get()).toEqual({ n: 1 });
    other.close();
    await store.close();
  });
});

describe('SQLite event store: subscriptions', () => {
  it('filters by prefixes of any characters, not only ASCII', async () => {
    const store = getSqliteEventStore({ path: tempFile() });
    await store.appendToStream('🐳.s-1', [counted(0)]);
    await store.appendToStream('🐳x.s-1', [counted(1)]);
    const last = await store.appendToStream('ä.s-1', [counted(2)]);
    const seen: string[] = [];
    await new Promise<void>((resolve, reject) => {
      const subscription = store.subscribe({ from: 'start', filter: { streamPrefixes: ['🐳.', 'ä.'] } }, async (events, checkpoint) => {
        seen.push(...events.map((e) => e.streamName));
        if (checkpoint >= last.position) void subscription.stop().then(resolve);
      });
      subscription.done.catch(reject);
    });
    expect(seen).toEqual(['🐳.s-1', 'ä.s-1']);
    await store.close();
  });
});

describe('SQLite event store: durability and close', () => {
  it('keeps what a durable store acknowledged after it is closed and opened again, in WAL mode', async () => {
    const file = tempFile();
    const first = getSqliteEventStore({ path: file, durable: true });
    await Promise.all(Array.from({ length: 50 }, (_, i) => first.appendToStream(`d-${i}`, [counted(i)])));
    await first.close();
    const raw = new Database(file, { readonly: true });
    expect(raw.pragma('journal_mode', { simple: true })).toBe('wal');
    raw.close();
    const second = getSqliteEventStore({ path: file });
    expect(await second.readAll()).toHaveLength(50);
    expect(await second.headPosition()).toBe(50);
    await second.close();
  });

  /** A stand-in for fdatasync that holds each sync until the test lets it finish, or fails it. */
  const heldSyncs = () => {
    const held: { finish: () => void; fail: (error: Error) => void }[] = [];
    const syncLog = () => new Promise<void>((finish, fail) => void held.push({ finish, fail }));
    return { held, syncLog };
  };
  const settled = async (promise: Promise<unknown>): Promise<boolean> => {
    let done = false;
    void promise.then(() => (done = true), () => (done = true));
    await new Promise((resolve) => setTimeout(resolve, 20));
    return done;
  };

  it('acknowledges an append, and shows it to subscribers, only once the log is synced; streams show it at once', async () => {
    const { held, syncLog } = heldSyncs();
    const store = getSqliteEventStore({ path: tempFile(), syncLog });
    const { seen, stop } = record(store, 's-');
    const first = store.appendToStream('s-1', [counted(0)]);
    expect(await settled(first)).toBe(false);
    expect(held).toHaveLength(1);
    // The write side deciding its next command reads the stream as committed.
    expect((await store.readStream('s-1')).map((event) => event.data)).toEqual([{ n: 0 }]);
    expect(seen).toEqual([]);
    expect(await store.headPosition()).toBe(0);
    // Appends made while a sync is under way wait for the next one, which starts when it ends.
    const second = store.appendToStream('s-2', [counted(1)]);
    expect(await settled(second)).toBe(false);
    expect(held).toHaveLength(1);
    held[0]!.finish();
    await expect(first).resolves.toEqual({ nextExpectedRevision: 0, position: 1 });
    expect(await store.headPosition()).toBe(1);
    await until(() => seen.length === 1);
    expect(await settled(second)).toBe(false);
    expect(seen.map((event) => event.streamName)).toEqual(['s-1']);
    expect(held).toHaveLength(2);
    held[1]!.finish();
    await expect(second).resolves.toEqual({ nextExpectedRevision: 0, position: 2 });
    await until(() => seen.length === 2);
    await stop();
    await store.close();
  });

  it('fails the appends a sync did not carry to the disk, and every append after them', async () => {
    const { held, syncLog } = heldSyncs();
    const store = getSqliteEventStore({ path: tempFile(), syncLog });
    const { seen, stop } = record(store, 's-');
    const lost = store.appendToStream('s-1', [counted(0)]);
    await until(() => held.length === 1);
    const waiting = store.appendToStream('s-2', [counted(1)]);
    await new Promise((resolve) => setTimeout(resolve, 10));
    held[0]!.fail(new Error('EIO: i/o error, fdatasync'));
    await expect(lost).rejects.toThrow(/could not sync its log to disk.*EIO/);
    await expect(waiting).rejects.toThrow(/could not sync its log to disk/);
    await expect(store.appendToStream('s-3', [counted(2)])).rejects.toThrow(/could not sync its log to disk/);
    // Committed in the file, but never shown to subscribers: its append failed.
    expect(await store.headPosition()).toBe(0);
    expect(seen).toEqual([]);
    await stop();
    await store.close();
  });

  it('waits for the sync under way before it closes', async () => {
    const { held, syncLog } = heldSyncs();
    const store = getSqliteEventStore({ path: tempFile(), syncLog });
    const pending = store.appendToStream('s-1', [counted(0)]);
    await until(() => held.length === 1);
    const closing = store.close();
    expect(await settled(closing)).toBe(false);
    held[0]!.finish();
    await closing;
    await expect(pending).resolves.toEqual({ nextExpectedRevision: 0, position: 1 });
  });

  it('commits appends still queued when close is called', async () => {
    const file = tempFile();
    const store = getSqliteEventStore({ path: file });
    const pending = store.appendToStream('s-1', [counted(0)]);
    await store.close();
    await expect(pending).resolves.toEqual({ nextExpectedRevision: 0, position: 1 });
    const reopened = getSqliteEventStore({ path: file });
    expect(await reopened.readStream('s-1')).toHaveLength(1);
    await reopened.close();
  });

  it('stops its live subscriptions on close', async () => {
    const store = getSqliteEventStore({ path: tempFile() });
    const subscription = store.subscribe({ from: 'start' }, async () => undefined);
    await store.close();
    await expect(subscription.done).resolves.toBeUndefined();
  });

  it('refuses calls after close', async () => {
    const store = getSqliteEventStore({ path: tempFile() });
    await store.close();
    await expect(store.appendToStream('s-1', [counted(0)])).rejects.toThrow('closed');
    await expect(store.readStream('s-1')).rejects.toThrow('closed');
    await expect(store.readAll()).rejects.toThrow('closed');
    await expect(store.headPosition()).rejects.toThrow('closed');
    await expect(store.subscribe({ from: 'start' }, async () => undefined).done).rejects.toThrow('closed');
    await expect(store.close()).resolves.toBeUndefined();
  });
});

describe('SQLite event store: checkpoints off the main thread', () => {
  const big = (i: number): Event => ({ type: 'Big', data: { i, text: 'x'.repeat(16_000) } });

  it('leaves copying the log into the file to its checkpointer, which it tells after each commit', async () => {
    const file = tempFile();
    let told = 0;
    const store = getSqliteEventStore({ path: file, walCheckpoints: { written: () => void told++ } });
    const before = statSync(file).size;
    // About 1,200 pages: past SQLite's automatic checkpoint, which would copy them into the file within the commit.
    await Promise.all(Array.from({ length: 300 }, (_, i) => store.appendToStream(`s-${i}`, [big(i)])));
    await store.appendToStream('s-last', [big(300)]);
    expect(told).toBe(2);
    expect(statSync(file).size).toBe(before);
    expect(statSync(`${file}-wal`).size).toBeGreaterThan(4_000_000);
    await store.close();
  });

  it('checkpoints on a thread of its own a while after it is told of a write', async () => {
    const file = tempFile();
    const errors: unknown[] = [];
    const checkpoints = walCheckpointer(file, { delayMs: 10, onError: (error) => errors.push(error) });
    const store = getSqliteEventStore({ path: file, walCheckpoints: { written: () => undefined } });
    await Promise.all(Array.from({ length: 300 }, (_, i) => store.appendToStream(`s-${i}`, [big(i)])));
    expect(statSync(file).size).toBeLessThan(1_000_000);
    checkpoints.written();
    await until(() => statSync(file).size > 4_000_000);
    expect(await store.readAll()).toHaveLength(300);
    expect(errors).toEqual([]);
    await store.close();
  });
});
