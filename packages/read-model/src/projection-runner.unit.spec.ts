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
    const runner = new ProjectionRunner(events, documents, counters);
    await runner.start();
    const { position } = await events.appendToStream('test.counter-a', [add(3)]);
    await runner.waitFor(position);
    expect(await documents.collection<Counter>('counters_v1').get('test.counter-a')).toEqual({ id: 'test.counter-a', total: 6, events: 3 });
    expect(await documents.collection('counters_v1').count()).toBe(1);
    await runner.stop();
  });

  it('resolves waitFor only once the position is applied (read-your-writes)', async () => {
    const runner = new ProjectionRunner(events, documents, counters);
    await runner.start();
    const { position } = await events.appendToStream('test.counter-b', [add(5)]);
    await runner.waitFor(position);
    expect((await documents.collection<Counter>('counters_v1').get('test.counter-b'))?.total).toBe(5);
    expect(runner.checkpoint).toBeGreaterThanOrEqual(position);
    await runner.stop();
  });

  it('rejects waitFor with ReadModelLaggingError when the position is not reached in time', async () => {
    const runner = new ProjectionRunner(events, documents, counters);
    await runner.start();
    await runner.stop();
    const { position } = await events.appendToStream('test.counter-c', [add(1)]);
    await expect(runner.waitFor(position, 50)).rejects.toBeInstanceOf(ReadModelLaggingError);
  });

  it('resumes after a restart from its stored checkpoint without applying anything twice', async () => {
    const first = new ProjectionRunner(events, documents, counters);
    await first.start();
    const early = await events.appendToStream('test.counter-d', [add(1), add(1)]);
    await first.waitFor(early.position);
    await first.stop();
    const late = await events.appendToStream('test.counter-d', [add(10)]);
    const second = new ProjectionRunner(events, documents, counters);
    await second.start();
    await second.waitFor(late.position);
    expect(await documents.collection<Counter>('counters_v1').get('test.counter-d')).toEqual({ id: 'test.counter-d', total: 12, events: 3 });
    await second.stop();
  });

  it('is idempotent when events are redelivered after documents were written but the checkpoint was not', async () => {
    const runner = new ProjectionRunner(events, documents, counters);
    await runner.start();
    const { position } = await events.appendToStream('test.counter-e', [add(2), add(3)]);
    await runner.waitFor(position);
    await runner.stop();
    // Simulate a crash between the document writes and the checkpoint: the checkpoint is lost.
    const lostCheckpoint = getInMemoryDocumentStore();
    const stored = await documents.readStored<Counter>('counters_v1', 'test.counter-e');
    await lostCheckpoint.commit([{ collection: 'counters_v1', id: 'test.counter-e', position: stored!.position, doc: stored!.doc }]);
    const replay = new ProjectionRunner(events, lostCheckpoint, counters);
    await replay.start();
    await replay.waitFor(position);
    expect(await lostCheckpoint.collection<Counter>('counters_v1').get('test.counter-e')).toEqual({ id: 'test.counter-e', total: 5, events: 2 });
    await replay.stop();
  });

  it('deletes documents when evolve returns null', async () => {
    const runner = new ProjectionRunner(events, documents, counters);
    await runner.start();
    await events.appendToStream('test.counter-f', [add(1)]);
    const { position } = await events.appendToStream('test.counter-f', [{ type: 'Reset', data: {} }]);
    await runner.waitFor(position);
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
    const errors: unknown[] = [];
    const runner = new ProjectionRunner(events, documents, flaky, { retryDelayMs: 10, onError: (error) => errors.push(error) });
    await runner.start();
    const { position } = await events.appendToStream('test.counter-g', [add(7)]);
    await runner.waitFor(position, 2000);
    expect(errors).toHaveLength(1);
    expect((await documents.collection<Counter>('counters_v1').get('test.counter-g'))?.total).toBe(7);
    await runner.stop();
  });

  it('stores no checkpoint for events it has no use for until it stops, and resumes from there', async () => {
    const commits: number[] = [];
    const counted: DocumentStore = { ...documents, commit: (writes, checkpoint) => (commits.push(writes.length), documents.commit(writes, checkpoint)) };
    const runner = new ProjectionRunner(events, counted, counters);
    await runner.start();
    let position = 0;
    for (let i = 0; i < 20; i++) position = (await events.appendToStream(`test.other-${i}`, [add(1)])).position;
    await runner.waitFor(position);
    expect(commits).toEqual([]);
    await runner.stop();
    expect(commits).toEqual([0]);
    expect(await documents.readCheckpoint('counters_v1')).toBe(position);
  });

  it('commits a long batch slice by slice, each with its own checkpoint', async () => {
    const checkpoints: number[] = [];
    const counted: DocumentStore = { ...documents, commit: (writes, checkpoint) => (checkpoints.push(checkpoint!.position), documents.commit(writes, checkpoint)) };
    const { position } = await events.appendToStream('test.counter-h', Array.from({ length: 450 }, () => add(1)));
    const runner = new ProjectionRunner(events, counted, counters, { batchSize: 1000 });
    await runner.start();
    await runner.waitFor(position);
    expect(checkpoints).toEqual([200, 400, 450]);
    expect((await documents.collection<Counter>('counters_v1').get('test.counter-h'))?.total).toBe(450);
    await runner.stop();
  });
});
