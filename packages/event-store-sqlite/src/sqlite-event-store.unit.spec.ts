import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ExpectedVersionConflictError, type RecordedEvent } from '@wharf/event-store';
import { eventStoreContract } from '@wharf/event-store/testing';
import { getSqliteEventStore } from './sqlite-event-store';

const dir = mkdtempSync(join(tmpdir(), 'wharf-es-sqlite-'));
const path = join(dir, 'events.db');

eventStoreContract('sqlite', {
  open: async () => getSqliteEventStore({ path }),
  reopen: async () => getSqliteEventStore({ path }),
  teardown: async () => rmSync(dir, { recursive: true, force: true }),
});

describe('SQLite event store specifics', () => {
  const fresh = () => join(mkdtempSync(join(tmpdir(), 'wharf-es-sqlite-x-')), 'events.db');
  const event = (n: number) => ({ type: 'Counted', data: { n } });

  it('commits a batch in which one append conflicts: the others are stored, the conflicting one is not', async () => {
    const store = getSqliteEventStore({ path: fresh() });
    await store.appendToStream('s-1', [event(0)]);
    const results = await Promise.allSettled([
      store.appendToStream('s-2', [event(1)], { expectedRevision: 'no_stream' }),
      store.appendToStream('s-1', [event(2)], { expectedRevision: 5 }),
      store.appendToStream('s-3', [event(3)], { expectedRevision: 'no_stream' }),
      store.appendToStream('s-2', [event(4)], { expectedRevision: 'no_stream' }),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled', 'rejected']);
    expect((results[1] as PromiseRejectedResult).reason).toBeInstanceOf(ExpectedVersionConflictError);
    expect((results[3] as PromiseRejectedResult).reason).toMatchObject({ actual: 0 });
    expect((await store.readAll()).map((e) => e.data)).toEqual([{ n: 0 }, { n: 1 }, { n: 3 }]);
    await store.close();
  });

  it('lets two connections (as two processes would) append to one file and see each other, live', async () => {
    const file = fresh();
    const a = getSqliteEventStore({ path: file, pollIntervalMs: 10 });
    const b = getSqliteEventStore({ path: file, pollIntervalMs: 10 });
    const seenByB: RecordedEvent[] = [];
    const subscription = b.subscribe({ from: 'start' }, async (events) => {
      seenByB.push(...events);
    });
    const attempts = await Promise.allSettled(
      Array.from({ length: 20 }, (_, i) => (i % 2 ? a : b).appendToStream('shared-1', [event(i)], { expectedRevision: 'no_stream' })),
    );
    expect(attempts.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    await a.appendToStream('from-a-1', [event(100)]);
    while (seenByB.length < 2) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(seenByB.map((e) => e.streamName)).toEqual(['shared-1', 'from-a-1']);
    await subscription.stop();
    await a.close();
    await b.close();
  });

  it('keeps what a durable store acknowledged after it is closed and opened again', async () => {
    const file = fresh();
    const first = getSqliteEventStore({ path: file, durable: true });
    await Promise.all(Array.from({ length: 50 }, (_, i) => first.appendToStream(`d-${i}`, [event(i)])));
    await first.close();
    const second = getSqliteEventStore({ path: file });
    expect(await second.readAll()).toHaveLength(50);
    expect(await second.headPosition()).toBe(50);
    await second.close();
  });

  it('refuses calls after close', async () => {
    const store = getSqliteEventStore({ path: fresh() });
    await store.close();
    await expect(store.appendToStream('s-1', [event(0)])).rejects.toThrow('closed');
    await expect(store.readStream('s-1')).rejects.toThrow('closed');
  });
});
