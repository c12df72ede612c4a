import { IdentityStreams } from '@wharf/contracts/identity';
import { getInMemoryEventStore } from '@wharf/event-store';
import { ProjectionHost } from '@wharf/platform';
import { getInMemoryDocumentStore, type Collection, type Document, type DocumentStore } from '@wharf/read-model';
import { ProjectedRevocations } from './projected-revocations';
import { RevocationIds, revocationsProjection } from './revocations.projection';

describe('ProjectedRevocations', () => {
  it('keeps an answer only until the projection changes: a revocation is in force on the next read', async () => {
    const events = getInMemoryEventStore();
    const inner = getInMemoryDocumentStore();
    let finds = 0;
    const documents: DocumentStore = {
      ...inner,
      collection: <D extends Document>(name: string): Collection<D> => {
        const collection = inner.collection<D>(name);
        return { ...collection, find: (query) => (finds++, collection.find(query)) };
      },
    };
    const host = new ProjectionHost(events, documents, [revocationsProjection]);
    await host.start();
    const revocations = new ProjectedRevocations(host);
    const ids = [RevocationIds.principal('u-1'), RevocationIds.principal('u-2')];

    expect((await revocations.current(ids)).size).toBe(0);
    expect((await revocations.current(ids)).size).toBe(0);
    expect(finds).toBe(1);

    await events.appendToStream(`${IdentityStreams.user}u-2`, [{ type: 'UserDeleted', data: { userId: 'u-2', deletedAt: '2026-12-01T10:00:00.000Z' } }]);
    expect([...(await revocations.current(ids)).keys()]).toEqual([RevocationIds.principal('u-2')]);
    expect(finds).toBe(2);
    // Events that change no revocation document leave the kept answer standing.
    await events.appendToStream('catalog.namespace-x', [{ type: 'Unrelated', data: {} }]);
    expect([...(await revocations.current(ids)).keys()]).toEqual([RevocationIds.principal('u-2')]);
    expect(finds).toBe(2);
    await host.beforeApplicationShutdown();
  });
});
