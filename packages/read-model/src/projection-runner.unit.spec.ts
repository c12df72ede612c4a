import { getInMemoryEventStore, type EventStore, type RecordedEvent } from '@wharf/event-store';
import type { Document, DocumentStore } from './document-store';
import { getInMemoryDocumentStore } from './in-memory-document-store';
import type { Projection } from './projection';
import { ProjectionRunner, ReadModelLaggingError } from './projection-runner';

interface Counter extends Document {
  total: number;
  events: number;
}

/** Sums `amount` per stream: applying an event twice would show as a wrong total. */
const counters: Projection<Counter> = {
  name: 'counters',
  version: 1,
  streamPrefixes: ['test.counter-'],
  documentIds: (event) => [event.streamName],
  evolve: (doc, event: RecordedEvent) => {
    if (event.type === 'Reset') return null;
    const amount = (event.data as { amount: number }).amount;
    return { id: event.streamName, total: (doc?.total ?? 0) + amount, events: (doc?.events ?? 0) + 1 };
  },
};

const add = (amount: number) => ({ type: 'Added', data: { amount } });

describe('projection runner', () => {
  let events: EventStore;
  let documents: DocumentStore;
  beforeEach(() => {
    events = getInMemoryEventStore();
    documents = getInMemoryDocumentStore();
  });

  it('catches up with stored events, then follows live ones, ignoring other streams', async () => {
    await events.appendToStream('test.counter-a', [add(1), add(2)]);
    await events.appendToStream('test.other-a', [add(100)]);
    const runner = new ProjectionRunner(events, documents, [counters]);
    await runner.start();
    const { position } = await events.appendToStream('test.counter-a', [add(3)]);
    await runner.waitFor('counters', position);
    expect(await documents.collection<Counter>('counters_v1').get('test.counter-a')).toEqual({ id: 'test.counter-a', total: 6, events: 3 });
    expect(await documents.collection('counters_v1').count()).toBe(1);
    await runner.stop();
  });

  it('resolves waitFor only once the position is applied (read-your-writes)', async () => {
    const runner = new ProjectionRunner(events, documents, [counters]);
    await runner.start();
    const { position } = await events.appendToStream('test.counter-b', [add(5)]);
    await runner.waitFor('counters', position);
    expect((await documents.collection<Counter>('counters_v1').get('test.counter-b'))?.total).toBe(5);
    expect(runner.checkpointOf('counters')).toBeGreaterThanOrEqual(position);
    await runner.stop();
  });

  it('rejects waitFor with ReadModelLaggingError when the position is not reached in time', async () => {
    const runner = new ProjectionRunner(events, documents, [counters]);
    await runner.start();
    await runner.stop();
    const { position } = await events.appendToStream('test.counter-c', [add(1)]);
    await expect(runner.waitFor('counters', position, 50)).rejects.toBeInstanceOf(ReadModelLaggingError);
  });

  it('resumes after a restart from its stored checkpoint without applying anything twice', async () => {
    const first = new ProjectionRunner(events, documents, [counters]);
    await first.start();
    const early = await events.appendToStream('test.counter-d', [add(1), add(1)]);
    await first.waitFor('counters', early.position);
    await first.stop();
    const late = await events.appendToStream('test.counter-d', [add(10)]);
    const second = new ProjectionRunner(events, documents, [counters]);
    await second.start();
    await second.waitFor('counters', late.position);
    expect(await documents.collection<Counter>('counters_v1').get('test.counter-d')).toEqual({ id: 'test.counter-d', total: 12, events: 3 });
    await second.stop();
  });

  it('is idempotent when events are redelivered after documents were written but the checkpoint was not', async () => {
    const runner = new ProjectionRunner(events, documents, [counters]);
    await runner.start();
    const { position } = await events.appendToStream('test.counter-e', [add(2), add(3)]);
    await runner.waitFor('counters', position);
    await runner.stop();
    // Simulate a crash between the document writes and the checkpoint: the checkpoint is lost.
    const lostCheckpoint = getInMemoryDocumentStore();
    const stored = await documents.readStored<Counter>('counters_v1', 'test.counter-e');
    await lostCheckpoint.commit([{ collection: 'counters_v1', id: 'test.counter-e', position: stored!.position, doc: stored!.doc }]);
    const replay = new ProjectionRunner(events, lostCheckpoint, [counters]);
    await replay.start();
    await replay.waitFor('counters', position);
    expect(await lostCheckpoint.collection<Counter>('counters_v1').get('test.counter-e')).toEqual({ id: 'test.counter-e', total: 5, events: 2 });
    await replay.stop();
  });

  it('deletes documents when evolve returns null', async () => {
    const runner = new ProjectionRunner(events, documents, [counters]);
    await runner.start();
    await events.appendToStream('test.counter-f', [add(1)]);
    const { position } = await events.appendToStream('test.counter-f', [{ type: 'Reset', data: {} }]);
    await runner.waitFor('counters', position);
    expect(await documents.collection('counters_v1').get('test.counter-f')).toBeNull();
    await runner.stop();
  });

  it('reports a failing projection and retries from its checkpoint', async () => {
    let failOnce = true;
    const flaky: Projection<Counter> = {
      ...counters,
      evolve: (doc, event, id) => {
        if (failOnce) {
          failOnce = false;
          throw new Error('transient');
        }
        return counters.evolve(doc, event, id);
      },
    };
    const errors: [unknown, string][] = [];
    const runner = new ProjectionRunner(events, documents, [flaky], { retryDelayMs: 10, onError: (error, projection) => errors.push([error, projection]) });
    await runner.start();
    const { position } = await events.appendToStream('test.counter-g', [add(7)]);
    await runner.waitFor('counters', position, 2000);
    expect(errors).toEqual([[new Error('transient'), 'counters_v1']]);
    expect((await documents.collection<Counter>('counters_v1').get('test.counter-g'))?.total).toBe(7);
    await runner.stop();
  });

  it('stores no checkpoint for events it has no use for until it stops, and resumes from there', async () => {
    const commits: number[] = [];
    const counted: DocumentStore = { ...documents, commit: (writes, checkpoints) => (commits.push(writes.length), documents.commit(writes, checkpoints)) };
    const runner = new ProjectionRunner(events, counted, [counters]);
    await runner.start();
    let position = 0;
    for (let i = 0; i < 20; i++) position = (await events.appendToStream(`test.other-${i}`, [add(1)])).position;
    await runner.waitFor('counters', position);
    expect(commits).toEqual([]);
    await runner.stop();
    expect(commits).toEqual([0]);
    expect(await documents.readCheckpoint('counters_v1')).toBe(position);
  });

  it('commits a long batch slice by slice, each with its own checkpoint', async () => {
    const checkpoints: number[] = [];
    const counted: DocumentStore = { ...documents, commit: (writes, stored) => (checkpoints.push(...(stored ?? []).map((c) => c.position)), documents.commit(writes, stored)) };
    const { position } = await events.appendToStream('test.counter-h', Array.from({ length: 450 }, () => add(1)));
    const runner = new ProjectionRunner(events, counted, [counters], { batchSize: 1000 });
    await runner.start();
    await runner.waitFor('counters', position);
    expect(checkpoints).toEqual([200, 400, 450]);
    expect((await documents.collection<Counter>('counters_v1').get('test.counter-h'))?.total).toBe(450);
    await runner.stop();
  });

  describe('several projections', () => {
    /** Counts events per stream of another family, so two projections read different streams. */
    const tallies: Projection<Counter> = { ...counters, name: 'tallies', streamPrefixes: ['test.tally-'] };

    it('commits what one batch makes of every projection once, with the checkpoint of each', async () => {
      const commits: [number, string[]][] = [];
      const counted: DocumentStore = {
        ...documents,
        commit: (writes, stored) => (commits.push([writes.length, (stored ?? []).map((c) => c.name).sort()]), documents.commit(writes, stored)),
      };
      await events.appendToStream('test.counter-i', [add(1), add(2)]);
      await events.appendToStream('test.other-i', [add(100)]);
      const last = await events.appendToStream('test.tally-i', [add(4), add(8)]);
      const runner = new ProjectionRunner(events, counted, [counters, tallies]);
      await runner.start();
      await runner.waitFor('tallies', last.position);
      await runner.waitFor('counters', last.position);
      expect(commits).toEqual([[2, ['counters_v1', 'tallies_v1']]]);
      expect((await documents.collection<Counter>('counters_v1').get('test.counter-i'))?.total).toBe(3);
      expect((await documents.collection<Counter>('tallies_v1').get('test.tally-i'))?.total).toBe(12);
      expect(await documents.collection('tallies_v1').count()).toBe(1);
      await runner.stop();
    });

    it('commits fewer events at a time the more projections it runs, so a slice takes about as long', async () => {
      const positions: number[] = [];
      const counted: DocumentStore = { ...documents, commit: (writes, stored) => (positions.push(...(stored ?? []).map((c) => c.position)), documents.commit(writes, stored)) };
      const { position } = await events.appendToStream('test.counter-k', Array.from({ length: 250 }, () => add(1)));
      const runner = new ProjectionRunner(events, counted, [counters, tallies], { batchSize: 1000 });
      await runner.start();
      await runner.waitFor('counters', position);
      // Tallies reads none of these events: only the counters' checkpoint goes with each commit.
      expect(positions).toEqual([100, 200, 250]);
      await runner.stop();
    });

    it('rebuilds a new projection from the first event without applying anything twice to the others', async () => {
      const first = new ProjectionRunner(events, documents, [counters]);
      await first.start();
      const early = await events.appendToStream('test.counter-j', [add(1), add(2)]);
      await first.waitFor('counters', early.position);
      await first.stop();
      const rebuilt: Projection<Counter> = { ...counters, version: 2 };
      const second = new ProjectionRunner(events, documents, [counters, { ...rebuilt, name: 'counters-rebuilt' }]);
      await second.start();
      const late = await events.appendToStream('test.counter-j', [add(4)]);
      await second.waitFor('counters', late.position);
      await second.waitFor('counters-rebuilt', late.position);
      expect(await documents.collection<Counter>('counters_v1').get('test.counter-j')).toEqual({ id: 'test.counter-j', total: 7, events: 3 });
      expect(await documents.collection<Counter>('counters-rebuilt_v2').get('test.counter-j')).toEqual({ id: 'test.counter-j', total: 7, events: 3 });
      await second.stop();
    });

    it('refuses a projection given twice, and a wait for one it does not run', async () => {
      expect(() => new ProjectionRunner(events, documents, [counters, counters])).toThrow('given twice');
      const runner = new ProjectionRunner(events, documents, [counters]);
      expect(() => runner.waitFor('tallies', 1)).toThrow('Projection tallies is not run here');
    });
  });
});
