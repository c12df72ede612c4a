import { RepositoryStreams } from '@wharf/contracts/catalog';
import type { RecordedEvent } from '@wharf/event-store';
import type { Projection } from '@wharf/read-model';
import type { RepositoryEvent } from './repository.decider';

type Recorded = RecordedEvent<RepositoryEvent>;
const streamPrefixes = [RepositoryStreams.repository];

export interface RepositoryDocument {
  id: string;
  name: string;
  namespace: string;
  accountId: string;
  creatorName: string;
  createdAt: string;
  updatedAt: string;
  /** Bytes of the blobs the repository links plus its manifests. */
  size: number;
  manifestCount: number;
  tagCount: number;
  [field: string]: unknown;
}

/** One document per repository with the figures the management APIs show. */
export const repositoriesProjection: Projection<RepositoryDocument, RepositoryEvent> = {
  name: 'repositories',
  version: 1,
  streamPrefixes,
  indexes: [['accountId', 'name'], ['namespace', 'name'], ['name']],
  documentIds: (event: Recorded) => [event.data.repository],
  evolve: (doc, event) => {
    if (event.type === 'RepositoryCreated') {
      const { repository, namespace, accountId, creatorName, createdAt } = event.data;
      return { id: repository, name: repository, namespace, accountId, creatorName, createdAt, updatedAt: createdAt, size: 0, manifestCount: 0, tagCount: 0 };
    }
    if (!doc) return null;
    switch (event.type) {
      case 'BlobLinked':
        return { ...doc, size: doc.size + event.data.size, updatedAt: event.data.linkedAt };
      case 'BlobUnlinked':
        return { ...doc, size: doc.size - event.data.size, updatedAt: event.data.unlinkedAt };
      case 'ManifestPushed':
        return { ...doc, size: doc.size + event.data.manifest.size, manifestCount: doc.manifestCount + 1, updatedAt: event.data.pushedAt };
      case 'TagPointed':
        return { ...doc, tagCount: doc.tagCount + (event.data.previous ? 0 : 1), updatedAt: event.data.taggedAt };
      case 'TagDeleted':
        return { ...doc, tagCount: doc.tagCount - 1, updatedAt: event.data.deletedAt };
      case 'ManifestDeleted':
        return {
          ...doc,
          size: doc.size - event.data.size,
          manifestCount: doc.manifestCount - 1,
          tagCount: doc.tagCount - event.data.tags.length,
          updatedAt: event.data.deletedAt,
        };
      default:
        return doc;
    }
  },
};

export interface TagDocument {
  id: string;
  repository: string;
  tag: string;
  digest: string;
  updatedAt: string;
  [field: string]: unknown;
}

export const tagId = (repository: string, tag: string): string => `${repository}:${tag}`;

/** Tag → digest, the pull path's resolution. */
export const tagsProjection: Projection<TagDocument, RepositoryEvent> = {
  name: 'tags',
  version: 1,
  streamPrefixes,
  indexes: [['repository', 'tag']],
  documentIds: (event: Recorded) => {
    switch (event.type) {
      case 'TagPointed':
      case 'TagDeleted':
        return [tagId(event.data.repository, event.data.tag)];
      case 'ManifestDeleted':
        return event.data.tags.map((tag) => tagId(event.data.repository, tag));
      default:
        return [];
    }
  },
  evolve: (doc, event) => {
    switch (event.type) {
      case 'TagPointed': {
        const { repository, tag, digest, taggedAt } = event.data;
        return { id: tagId(repository, tag), repository, tag, digest, updatedAt: taggedAt };
      }
      case 'TagDeleted':
      case 'ManifestDeleted':
        return null;
      default:
        return doc;
    }
  },
};

export interface ManifestDocument {
  id: string;
  repository: string;
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
  version: 1,
  streamPrefixes,
  indexes: [['repository', 'subject']],
  documentIds: (event: Recorded) =>
    event.type === 'ManifestPushed'
      ? [manifestId(event.data.repository, event.data.manifest.digest)]
      : event.type === 'ManifestDeleted'
        ? [manifestId(event.data.repository, event.data.digest)]
        : [],
  evolve: (doc, event) => {
    switch (event.type) {
      case 'ManifestPushed': {
        const { repository, manifest, pushedAt } = event.data;
        const { digest, mediaType, size, subject, artifactType, annotations } = manifest;
        return {
          id: manifestId(repository, digest),
          repository,
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
        return null;
      default:
        return doc;
    }
  },
};

export interface BlobLinkDocument {
  id: string;
  repository: string;
  digest: string;
  size: number;
  [field: string]: unknown;
}

/** Which repositories link which blobs: a blob is served through a repository only if it links it. */
export const blobLinksProjection: Projection<BlobLinkDocument, RepositoryEvent> = {
  name: 'blob_links',
  version: 1,
  streamPrefixes,
  indexes: [['digest']],
  documentIds: (event: Recorded) =>
    event.type === 'BlobLinked' || event.type === 'BlobUnlinked' ? [manifestId(event.data.repository, event.data.digest)] : [],
  evolve: (doc, event) => {
    switch (event.type) {
      case 'BlobLinked': {
        const { repository, digest, size } = event.data;
        return { id: manifestId(repository, digest), repository, digest, size };
      }
      case 'BlobUnlinked':
        return null;
      default:
        return doc;
    }
  },
};

export const repositoryProjections = [repositoriesProjection, tagsProjection, manifestsProjection, blobLinksProjection];
