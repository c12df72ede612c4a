import { cloudEventSource, type PublicEventFact, type PublicEventName, type PublicEventPayload } from '@wharf/contracts/events';
import { LifecycleStreams } from '@wharf/contracts/lifecycle';
import type { RecordedEvent } from '@wharf/event-store';
import { namespaceOf } from '../gc/catalog-facts';
import type { PublishedFact } from './domain-facts';

/** Who owns a namespace, as its latest NamespaceCreated said (kept after its deletion, for the events that follow). */
export interface NamespaceOwner {
  accountId: string;
  registryId: string;
}

/** What the mapping needs besides the event: namespace owners and registries by id, as of the event's position. */
export interface MappingContext {
  owner(namespace: string): NamespaceOwner | undefined;
  namespaceOfRegistry(registryId: string): string | undefined;
  /** The registry's host as clients pull from it, for pull references. */
  registryHost: string;
}

type Fact = RecordedEvent<PublishedFact>;

const actorOf = (event: Fact) => {
  const actor = event.metadata.actor;
  return actor ? { actor: { accountId: actor.accountId, userId: actor.userId, ...(actor.tokenId ? { tokenId: actor.tokenId } : {}) } } : {};
};

const fact = <N extends PublicEventName>(name: N, source: PublicEventFact['source'], subject: string, time: string, data: PublicEventPayload<N>): PublicEventFact<N> => ({
  name,
  source,
  subject,
  time,
  data,
});

/**
 * The public event a domain event becomes, or null when it has none (internal facts such as blob links) or
 * its namespace's owner is unknown. Pure: a function of the event and the context as of its position.
 */
export const publicEventOf = (event: RecordedEvent, context: MappingContext): PublicEventFact | null => {
  const e = event as Fact;
  const catalog = cloudEventSource('catalog');
  const access = cloudEventSource('access');
  const pullReference = (repository: string, digest: string) => `${context.registryHost}/${repository}@${digest}`;
  const inRepository = (repository: string) => {
    const namespace = namespaceOf(repository);
    const owner = context.owner(namespace);
    return owner ? { accountId: owner.accountId, ...actorOf(e), namespace, repository } : null;
  };

  switch (e.type) {
    case 'NamespaceCreated': {
      const { name, accountId, registryId, createdAt } = e.data;
      return fact('namespace.created', catalog, name, createdAt, { accountId, ...actorOf(e), namespace: name, registryId });
    }
    case 'NamespaceDeleted': {
      const { name, accountId, deletedAt } = e.data;
      return fact('namespace.deleted', catalog, name, deletedAt, { accountId, ...actorOf(e), namespace: name });
    }
    case 'RepositoryCreated': {
      const { repository, namespace, accountId, isPublic, createdAt } = e.data;
      return fact('repository.created', catalog, repository, createdAt, { accountId, ...actorOf(e), namespace, repository, ...(isPublic !== undefined ? { isPublic } : {}) });
    }
    case 'RepositoryUpdated': {
      const base = inRepository(e.data.repository);
      const { isPublic, category, description, updatedAt } = e.data;
      return base && fact('repository.updated', catalog, base.repository, updatedAt, { ...base, isPublic, category, description });
    }
    case 'RepositoryDeleted': {
      const base = inRepository(e.data.repository);
      return base && fact('repository.deleted', catalog, base.repository, e.data.deletedAt, base);
    }
    case 'ManifestPushed': {
      const base = inRepository(e.data.repository);
      const { digest, mediaType, size, artifactType, subject } = e.data.manifest;
      return (
        base &&
        fact('artifact.pushed', catalog, base.repository, e.data.pushedAt, {
          ...base,
          digest,
          mediaType,
          size,
          pullReference: pullReference(base.repository, digest),
          ...(artifactType ? { artifactType } : {}),
          ...(subject ? { subject } : {}),
        })
      );
    }
    case 'TagPointed': {
      const base = inRepository(e.data.repository);
      if (!base) return null;
      const { tag, digest, previous, mediaType, imageSize, taggedAt } = e.data;
      const artifact = { ...base, digest, mediaType, tag, size: imageSize, pullReference: pullReference(base.repository, digest) };
      return previous
        ? fact('tag.moved', catalog, base.repository, taggedAt, { ...artifact, previousDigest: previous })
        : fact('tag.created', catalog, base.repository, taggedAt, artifact);
    }
    case 'TagDeleted': {
      const base = inRepository(e.data.repository);
      const { tag, digest, deletedAt } = e.data;
      return base && fact('tag.deleted', catalog, base.repository, deletedAt, { ...base, tag, digest });
    }
    case 'ManifestDeleted': {
      const base = inRepository(e.data.repository);
      const { digest, size, tags, deletedAt } = e.data;
      return base && fact('artifact.deleted', catalog, base.repository, deletedAt, { ...base, digest, size, tags });
    }
    case 'PullsRecorded': {
      const base = inRepository(e.data.repository);
      return base && fact('artifact.pulled', catalog, base.repository, e.data.recordedAt, { ...base, count: e.data.count });
    }
    case 'PermissionsGranted':
    case 'PermissionsUpdated': {
      const { kind, name, namespace, grants } = e.data;
      const owner = context.owner(namespace);
      const time = e.type === 'PermissionsGranted' ? e.data.grantedAt : e.data.updatedAt;
      const target = { kind, name };
      return owner ? fact('permission.granted', access, name, time, { accountId: owner.accountId, ...actorOf(e), namespace, target, grants }) : null;
    }
    case 'PermissionsRevoked': {
      const { kind, name, namespace, userIds, revokedAt } = e.data;
      const owner = context.owner(namespace);
      return owner ? fact('permission.revoked', access, name, revokedAt, { accountId: owner.accountId, ...actorOf(e), namespace, target: { kind, name }, userIds }) : null;
    }
    case 'RepositoryShared':
    case 'ShareUpdated': {
      const base = inRepository(e.data.repository);
      const { accessAccountId, accessDomain, deadline } = e.data;
      const share = { sharedWithAccountId: accessAccountId, sharedWithAccount: accessDomain, deadline };
      if (!base) return null;
      return e.type === 'RepositoryShared'
        ? fact('share.created', access, base.repository, e.data.sharedAt, { ...base, ...share })
        : fact('share.updated', access, base.repository, e.data.updatedAt, { ...base, ...share });
    }
    case 'ShareRemoved': {
      const base = inRepository(e.data.repository);
      const { accessAccountId, accessDomain, removedAt } = e.data;
      return base && fact('share.revoked', access, base.repository, removedAt, { ...base, sharedWithAccountId: accessAccountId, sharedWithAccount: accessDomain });
    }
    case 'GarbageCollectionFinished': {
      const registryId = event.streamName.slice(LifecycleStreams.garbageCollection.length);
      const namespace = context.namespaceOfRegistry(registryId);
      const owner = namespace === undefined ? undefined : context.owner(namespace);
      if (namespace === undefined || !owner) return null;
      const { runId, freedBytes, manifestsDeleted, blobsUnlinked, finishedAt } = e.data;
      return fact('gc.finished', cloudEventSource('lifecycle'), namespace, finishedAt, {
        accountId: owner.accountId,
        ...actorOf(e),
        namespace,
        registryId,
        runId,
        freedBytes,
        manifestsDeleted,
        blobsUnlinked,
      });
    }
    case 'RetentionRunFinished': {
      const base = inRepository(e.data.repository);
      const { policyId, runId, tagsDeleted, manifestsDeleted, finishedAt } = e.data;
      return base && fact('retention.finished', cloudEventSource('lifecycle'), base.repository, finishedAt, { ...base, policyId, runId, tagsDeleted, manifestsDeleted });
    }
    case 'SyncJobEnded': {
      const base = inRepository(e.data.repository);
      if (!base) return null;
      const { number, tag, digest, remoteRegionId, remoteNamespace, status, error, endedAt } = e.data;
      const data = { ...base, jobId: number, tag, digest, remoteRegionId, remoteNamespace, status, ...(error ? { error } : {}) };
      return fact('sync.finished', cloudEventSource('lifecycle'), base.repository, endedAt, data);
    }
    case 'QuotaWarningReached':
    case 'QuotaExceeded': {
      const { accountId, key, limit, used, name } = e.data;
      const crossing = { accountId, ...actorOf(e), key, limit, used, name };
      return e.type === 'QuotaWarningReached'
        ? fact('quota.warning', catalog, accountId, e.data.reachedAt, crossing)
        : fact('quota.exceeded', catalog, accountId, e.data.refusedAt, crossing);
    }
    default:
      return null;
  }
};
