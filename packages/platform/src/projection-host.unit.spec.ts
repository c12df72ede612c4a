import { getInMemoryEventStore } from '@wharf/event-store';
import { getInMemoryDocumentStore, type Projection } from '@wharf/read-model';
import { ProjectionHost } from './projection-host';

const things: Projection = {
  name: 'things',
  version: 1,
  streamPrefixes: ['test.thing-'],
  documentIds: (event) => [event.streamName],
  evolve: (_doc, event, id) => ({ id, type: event.type }),
};

describe('ProjectionHost.caughtUpWithin (readiness of the read models)', () => {
  it('fails while a read model has not reached the head of the log, and answers its checkpoints once it has', async () => {
    const events = getInMemoryEventStore();
    const host = new ProjectionHost(events, getInMemoryDocumentStore(), [things]);
    await events.appendToStream('test.thing-1', [{ type: 'ThingHappened', data: {}, metadata: {} }]);

    await expect(host.caughtUpWithin(50)).rejects.toThrow();

    await host.start();
    const caughtUp = await host.caughtUpWithin(5000);
    expect(caughtUp.headPosition).toBe(await events.headPosition());
    expect(caughtUp.projections).toEqual([{ name: 'things', checkpoint: caughtUp.headPosition }]);
    await host.beforeApplicationShutdown();
  });
});

describe('ProjectionHost.emptyThrough', () => {
  it('answers whether the collection is empty once the projection has reached the position, counting again after a change', async () => {
    const events = getInMemoryEventStore();
    const host = new ProjectionHost(events, getInMemoryDocumentStore(), [things]);
    await host.start();
    const other = await events.appendToStream('test.other-1', [{ type: 'SomethingElse', data: {}, metadata: {} }]);
    expect(await host.emptyThrough(things, other.position)).toBe(true);
    const thing = await events.appendToStream('test.thing-1', [{ type: 'ThingHappened', data: {}, metadata: {} }]);
    // Asked before the projection has applied the position: it waits for it, then counts again.
    expect(await host.emptyThrough(things, thing.position)).toBe(false);
    await host.beforeApplicationShutdown();
  });
});
