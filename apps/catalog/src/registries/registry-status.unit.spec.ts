import type { RecordedEvent } from '@wharf/event-store';
import type { NamespaceEvent } from '../namespaces/namespace.decider';
import { namespacesProjection, type NamespaceDocument } from '../namespaces/namespaces.projection';
import { registryStatus } from './registry-directory';

const recorded = (event: NamespaceEvent, position: number) =>
  ({ ...event, id: `e${position}`, streamName: 'catalog.namespace-reg', revision: position, position, metadata: {} }) as RecordedEvent<NamespaceEvent>;
const data = { id: 7, name: 'reg', accountId: 'a1' };

describe('registry status', () => {
  const created = namespacesProjection.evolve(
    null,
    recorded({ type: 'NamespaceCreated', data: { ...data, registryId: '5d8504c1-bb11-43d2-88a8-bb07303422b3', creatorId: 'u1', creatorName: 'dev', createdAt: 'x' } }, 1),
    'reg',
  ) as NamespaceDocument;

  it('is ACTIVE as soon as the namespace exists (creation answers once it is usable)', () => {
    expect(registryStatus(created)).toBe('ACTIVE');
  });

  it('is DELETING once a delete has started, until the namespace is gone', () => {
    const deleting = namespacesProjection.evolve(created, recorded({ type: 'NamespaceDeletionStarted', data: { ...data, startedAt: 'y' } }, 2), 'reg') as NamespaceDocument;
    expect(deleting).toMatchObject({ name: 'reg', deleting: true });
    expect(registryStatus(deleting)).toBe('DELETING');
    expect(namespacesProjection.evolve(deleting, recorded({ type: 'NamespaceDeleted', data: { ...data, deletedAt: 'z' } }, 3), 'reg')).toBeNull();
  });
});
