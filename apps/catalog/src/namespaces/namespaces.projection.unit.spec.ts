import type { RecordedEvent } from '@wharf/event-store';
import type { NamespaceEvent } from './namespace.decider';
import { namespacesProjection } from './namespaces.projection';

const recorded = (event: NamespaceEvent, position: number): RecordedEvent<NamespaceEvent> =>
  ({ ...event, id: `e${position}`, streamName: `catalog.namespace-${event.data.name}`, revision: 0, position, metadata: {} }) as RecordedEvent<NamespaceEvent>;

describe('namespaces projection', () => {
  const createdEvent = recorded(
    {
      type: 'NamespaceCreated',
      data: { id: 3, registryId: '5d8504c1-bb11-43d2-88a8-bb07303422b3', name: 'team', accountId: 'a1', creatorId: 'u1', creatorName: 'dev', createdAt: '2026-11-23T10:00:00.000Z' },
    },
    10,
  );

  it('keys documents by name and keeps the integer id as number', () => {
    expect(namespacesProjection.documentIds(createdEvent)).toEqual(['team']);
    expect(namespacesProjection.evolve(null, createdEvent, 'team')).toEqual({
      id: 'team',
      number: 3,
      registryId: '5d8504c1-bb11-43d2-88a8-bb07303422b3',
      name: 'team',
      accountId: 'a1',
      creatorId: 'u1',
      creatorName: 'dev',
      createdAt: '2026-11-23T10:00:00.000Z',
    });
  });

  it('removes the document when the namespace is deleted', () => {
    const doc = namespacesProjection.evolve(null, createdEvent, 'team');
    const deletedEvent = recorded({ type: 'NamespaceDeleted', data: { id: 3, name: 'team', accountId: 'a1', deletedAt: 'x' } }, 11);
    expect(namespacesProjection.evolve(doc, deletedEvent, 'team')).toBeNull();
  });
});
