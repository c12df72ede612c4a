import { RepositoryStreams } from '@wharf/contracts/catalog';
import type { RecordedEvent } from '@wharf/event-store';
import type { Projection } from '@wharf/read-model';
import type { RepositoryEvent } from './repository.decider';

type Recorded = RecordedEvent<RepositoryEvent>;
const streamPrefixes = [RepositoryStreams.repository];

/** The namespace of a repository's full name: its first path segment (namespace names never contain `/`). */
export const namespaceOf = (repository: string): string => repository.slice(0, repository.indexOf('/'));

export interface RepositoryDocument {
  id: string;
  /** SWR's integer id. */
  number: number;
  name: string;
  namespace: string;
  namespaceId: number;
  /** The name inside its namespace (what SWR calls the repository's name). */
  shortName: string;
  accountId: string;
  creatorId: string;
  creatorName: string;
  category: string;
  description: string;
  isPublic: boolean;
  createdAt: string;
  updatedAt: string;
  /** Bytes of the blobs the repository links plus its manifests. */
  size: number;
  manifestCount: number;
  /** The tags themselves are in the tags read model: a document listing them would be rewritten whole by every push. */
  tagCount: number;
  numDownload: number;
  [field: string]: unknown;
}

/** One document per repository with the figures the management APIs show. */
export const repositoriesProjection: Projection<RepositoryDocument, RepositoryEvent> = {
  name: 'repositories',
  version: 3,
  streamPrefixes,
  indexes: [['accountId', 'name'], ['namespace', 'name'], ['name'], ['accountId', 'updatedAt'], ['accountId', 'tagCount'], ['number'], ['accountId', 'number']],
  // SWR's `filter=name::…|namespace::…` match fuzzily.
  textIndexes: ['shortName', 'namespace'],
  documentIds: (event: Recorded) => [event.data.repository],
  evolve: (doc, event) => {
    if (event.type === 'RepositoryCreated') {
      const { repository, id, namespace, namespaceId, accountId, creatorId, creatorName, createdAt, category, description, isPublic } = event.data;
      return {
        id: repository,
        number: id,
        name: repository,
        namespace,
        namespaceId,
        shortName: repository.slice(namespace.length + 1),
        accountId,
        creatorId,
        creatorName,
        category: category ?? 'other',
        description: description ?? '',
        isPublic: isPublic ?? false,
        createdAt,
        updatedAt: createdAt,
        size: 0,
        manifestCount: 0,
        tagCount: 0,
        numDownload: 0,
      };
    }
    if (!doc) return null;
    switch (event.type) {
      case 'RepositoryUpdated': {
        const { category, description, isPublic, updatedAt } = event.data;
        return { ...doc, category, description, isPublic, updatedAt };
      }
      case 'RepositoryDeleted':
        return null;
      case 'BlobLinked':
        return { ...doc, size: doc.size + event.data.size, updatedAt: event.data.linkedAt };
      case 'BlobUnlinked':
        return { ...doc, size: doc.size - event.data.size, updatedAt: event.data.unlinkedAt };
      case 'ManifestPushed':
        return { ...doc, size: doc.size + event.data.manifest.size, manifestCount: doc.manifestCount + 1, updatedAt: event.data.pushedAt };
      case 'TagPointed':
        // A tag that pointed elsewhere before is moved, not added.
        return { ...doc, tagCount: doc.tagCount + (event.data.previous ? 0 : 1), updatedAt: event.data.taggedAt };
      case 'TagDeleted':
        return { ...doc, tagCount: doc.tagCount - 1, updatedAt: event.data.deletedAt };
      case 'ManifestDeleted':
        return {
          ...doc,
          tagCount: doc.tagCount - event.data.tags.length,
          size: doc.size - event.data.size,
          manifestCount: doc.manifestCount - 1,
          updatedAt: event.data.deletedAt,
        };
      case 'PullsRecorded':
        return { ...doc, numDownload: doc.numDownload + event.data.count };
      default:
        return doc;
    }
  },
};

export interface TagDocument {
  id: string;
  /** Position of the event that created the tag: a stable integer id. */
  number: number;
  repository: string;
  namespace: string;
  tag: string;
  digest: string;
  mediaType: string;
  imageSize: number;
  configDigest?: string;
  content?: string;
  createdAt: string;
  updatedAt: string;
  [field: string]: unknown;
}

export const tagId = (repository: string, tag: string): string => `${repository}:${tag}`;

/** Tag → digest and the image's facts: the pull path's resolution and the management APIs' tag listings. */
export const tagsProjection: Projection<TagDocument, RepositoryEvent> = {
  name: 'tags',
  version: 3,
  streamPrefixes,
  indexes: [['repository', 'tag'], ['repository', 'updatedAt'], ['namespace']],
  documentIds: (event: Recorded) => {
    switch (event.type) {
      case 'TagPointed':
      case 'TagDeleted':
        return [tagId(event.data.repository, event.data.tag)];
      case 'ManifestDeleted':
      case 'RepositoryDeleted':
        return event.data.tags.map((tag) => tagId(event.data.repository, tag));
      default:
        return [];
    }
  },
  evolve: (doc, event) => {
    switch (event.type) {
      case 'TagPointed': {
        const { repository, tag, digest, mediaType, imageSize, configDigest, content, taggedAt } = event.data;
        return {
          id: tagId(repository, tag),
          number: doc?.number ?? event.position,
          repository,
          namespace: namespaceOf(repository),
          tag,
          digest,
          mediaType,
          imageSize,
          ...(configDigest ? { configDigest } : {}),
          ...(content ? { content } : {}),
          createdAt: doc?.createdAt ?? taggedAt,
          updatedAt: taggedAt,
        };
      }
      case 'TagDeleted':
      case 'ManifestDeleted':
      case 'RepositoryDeleted':
        return null;
      default:
        return doc;
    }
  },
};

export interface ManifestDocument {
  id: string;
  repository: string;
  namespace: string;
  digest: string;
  mediaType: string;
  size: number;
  subject?: string;
  artifactType?: string;
  annotations?: Record<string, string>;
  pushedAt: string;
  [field: string]: unknown;
}

export const manifestId = (repository: string, digest: string): string => `${repository}@${digest}`;

/** Manifests by repository and digest, with what the referrers API needs. */
export const manifestsProjection: Projection<ManifestDocument, RepositoryEvent> = {
  name: 'manifests',
  version: 3,
  streamPrefixes,
  indexes: [['repository', 'subject'], ['namespace']],
  documentIds: (event: Recorded) => {
    switch (event.type) {
      case 'ManifestPushed':
        return [manifestId(event.data.repository, event.data.manifest.digest)];
      case 'ManifestDeleted':
        return [manifestId(event.data.repository, event.data.digest)];
      case 'RepositoryDeleted':
        return event.data.manifests.map((digest) => manifestId(event.data.repository, digest));
      default:
        return [];
    }
  },
  evolve: (doc, event) => {
    switch (event.type) {
      case 'ManifestPushed': {
        const { repository, manifest, pushedAt } = event.data;
        const { digest, mediaType, size, subject, artifactType, annotations } = manifest;
        return {
          id: manifestId(repository, digest),
          repository,
          namespace: namespaceOf(repository),
          digest,
          mediaType,
          size,
          ...(subject ? { subject } : {}),
          ...(artifactType ? { artifactType } : {}),
          ...(annotations ? { annotations } : {}),
          pushedAt,
        };
      }
      case 'ManifestDeleted':
      case 'RepositoryDeleted':
        return null;
      default:
        return doc;
    }
  },
};

export interface BlobLinkDocument {
  id: string;
  repository: string;
  namespace: string;
  digest: string;
  size: number;
  [field: string]: unknown;
}

/** Which repositories link which blobs: a blob is served through a repository only if it links it. */
export const blobLinksProjection: Projection<BlobLinkDocument, RepositoryEvent> = {
  name: 'blob_links',
  version: 3,
  streamPrefixes,
  indexes: [['digest'], ['namespace', 'digest']],
  documentIds: (event: Recorded) => {
    switch (event.type) {
      case 'BlobLinked':
      case 'BlobUnlinked':
        return [manifestId(event.data.repository, event.data.digest)];
      case 'RepositoryDeleted':
        return event.data.blobs.map((digest) => manifestId(event.data.repository, digest));
      default:
        return [];
    }
  },
  evolve: (doc, event) => {
    switch (event.type) {
      case 'BlobLinked': {
        const { repository, digest, size } = event.data;
        return { id: manifestId(repository, digest), repository, namespace: namespaceOf(repository), digest, size };
      }
      case 'BlobUnlinked':
      case 'RepositoryDeleted':
        return null;
      default:
        return doc;
    }
  },
};

export const repositoryProjections = [repositoriesProjection, tagsProjection, manifestsProjection, blobLinksProjection];
