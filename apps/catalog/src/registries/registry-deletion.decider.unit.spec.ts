import type { Principal } from '@wharf/contracts/identity';
import { DeciderSpecification } from '@wharf/event-store/testing';
import { digestOf } from '@wharf/oci';
import { namespaceDecider, type NamespaceCreated, type NamespaceDeleted, type NamespaceDeletionStarted } from '../namespaces/namespace.decider';
import { repositoryDecider, type RepositoryEvent } from '../repositories/repository.decider';

const now = '2026-11-23T10:00:00.000Z';
const admin: Principal = { accountId: 'acc-1', accountName: 'acme', userId: 'u-admin', userName: 'admin', accountAdmin: true, systemAdmin: false };
const stranger: Principal = { ...admin, accountId: 'acc-2' };

const created: NamespaceCreated = {
  type: 'NamespaceCreated',
  data: { id: 7, registryId: '5d8504c1-bb11-43d2-88a8-bb07303422b3', name: 'reg', accountId: 'acc-1', creatorId: 'u-admin', creatorName: 'admin', createdAt: now },
};
const started: NamespaceDeletionStarted = { type: 'NamespaceDeletionStarted', data: { id: 7, name: 'reg', accountId: 'acc-1', startedAt: now } };
const deleted: NamespaceDeleted = { type: 'NamespaceDeleted', data: { id: 7, name: 'reg', accountId: 'acc-1', deletedAt: now } };

const namespaces = DeciderSpecification.for(namespaceDecider);
const start = (actor: Principal = admin, auth: 7 | 3 | 1 | null = 7) => ({ type: 'StartNamespaceDeletion' as const, data: { name: 'reg', actor, auth }, metadata: { now } });
const finish = { type: 'DeleteNamespace' as const, data: { name: 'reg', actor: admin, auth: 7 as const, repositories: 0 }, metadata: { now } };
const recreate = { type: 'CreateNamespace' as const, data: { id: 8, registryId: created.data.registryId, name: 'reg', actor: admin }, metadata: { now } };

describe('deleting a registry (namespace decider)', () => {
  it('marks the namespace as being deleted, with manage (7)', () => {
    namespaces.given([created]).when(start()).then([started]);
  });

  it('resumes an interrupted delete without a second mark', () => {
    namespaces.given([created, started]).when(start()).then([]);
  });

  it('finishes with the namespace deleted', () => {
    namespaces.given([created, started]).when(finish).then([deleted]);
  });

  it('refuses to start below manage, and for other accounts or missing registries', () => {
    namespaces.given([created]).when(start(admin, 3)).thenThrows({ code: 'CATALOG.NAMESPACE_FORBIDDEN' });
    namespaces.given([created]).when(start(admin, null)).thenThrows({ code: 'CATALOG.NAMESPACE_FORBIDDEN' });
    namespaces.given([created]).when(start(stranger)).thenThrows({ code: 'CATALOG.NAMESPACE_NOT_FOUND' });
    namespaces.given([]).when(start()).thenThrows({ code: 'CATALOG.NAMESPACE_NOT_FOUND' });
    namespaces.given([created, started, deleted]).when(start()).thenThrows({ code: 'CATALOG.NAMESPACE_NOT_FOUND' });
  });

  it('keeps the name taken while the delete runs, and frees it after', () => {
    namespaces.given([created, started]).when(recreate).thenThrows({ code: 'CATALOG.NAMESPACE_ALREADY_EXISTS' });
    namespaces.given([created, started, deleted]).when(recreate).then([{ ...created, data: { ...created.data, id: 8 } }]);
  });
});

describe('pushing into a registry being deleted (repository decider)', () => {
  const repository = 'reg/app';
  const layer = digestOf('layer');
  const deleting = { name: 'reg', id: 7, accountId: 'acc-1', creatorId: 'u-admin', deleting: true };
  const repositories = DeciderSpecification.for(repositoryDecider);
  const link = (namespace: typeof deleting) => ({
    type: 'LinkBlob' as const,
    data: { actor: admin, namespace, newId: 9, repository, digest: layer, size: 10 },
    metadata: { now },
  });
  const repositoryCreated: RepositoryEvent = {
    type: 'RepositoryCreated',
    data: { repository, id: 9, namespace: 'reg', namespaceId: 7, accountId: 'acc-1', creatorId: 'u-admin', creatorName: 'admin', createdAt: now },
  };

  it('refuses to create a repository there', () => {
    repositories.given([]).when(link(deleting)).thenThrows({ code: 'CATALOG.REGISTRY_DELETING' });
    repositories
      .given([])
      .when({ type: 'CreateRepository', data: { actor: admin, namespace: deleting, newId: 9, repository, auth: 7, category: 'other', description: '', isPublic: false }, metadata: { now } })
      .thenThrows({ code: 'CATALOG.REGISTRY_DELETING' });
  });

  it('still lets a push land in a repository that exists until that repository is deleted', () => {
    repositories
      .given([repositoryCreated])
      .when(link(deleting))
      .then([{ type: 'BlobLinked', data: { repository, digest: layer, size: 10, linkedAt: now } }]);
  });

  it('deletes the repository as part of the registry delete', () => {
    repositories
      .given([repositoryCreated])
      .when({ type: 'DeleteRepository', data: { actor: admin, namespace: deleting, repository, auth: 7 }, metadata: { now } })
      .then([{ type: 'RepositoryDeleted', data: { repository, tags: [], manifests: [], blobs: [], deletedAt: now } }]);
  });
});
