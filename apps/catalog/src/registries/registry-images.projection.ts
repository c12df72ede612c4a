import { RepositoryStreams, type ManifestFacts, type RepositoryType } from '@wharf/contracts/catalog';
import type { RecordedEvent } from '@wharf/event-store';
import type { Projection } from '@wharf/read-model';
import type { RepositoryEvent } from '../repositories/repository.decider';
import { manifestId, namespaceOf } from '../repositories/repository.projections';
import { manifestKind } from './manifest-kind';

/**
 * One document per manifest of a repository with what Selectel's image listings show: its blobs (config
 * first, then layers), children, platform, kind and the tags pointing at it. Blob sizes are not known from
 * the manifest's events; readers take them from the blob links.
 */
export interface RegistryImageDocument {
  id: string;
  repository: string;
  namespace: string;
  digest: string;
  mediaType: string;
  /** Bytes of the manifest itself. */
  size: number;
  /** Config and layers, in the manifest's order (the config first when there is one). */
  blobs: string[];
  configDigest?: string;
  children: string[];
  platform?: NonNullable<ManifestFacts['platform']>;
  kind: RepositoryType;
  tags: string[];
  /** The digest and the tags, for substring search. */
  searchText: string;
  pushedAt: string;
  [field: string]: unknown;
}

type Recorded = RecordedEvent<RepositoryEvent>;

const withTags = (doc: RegistryImageDocument, tags: string[]): RegistryImageDocument => {
  const sorted = [...new Set(tags)].sort();
  return { ...doc, tags: sorted, searchText: [doc.digest, ...sorted].join(' ') };
};

export const registryImagesProjection: Projection<RegistryImageDocument, RepositoryEvent> = {
  name: 'registry_images',
  version: 1,
  streamPrefixes: [RepositoryStreams.repository],
  indexes: [['repository', 'pushedAt'], ['repository', 'kind'], ['namespace']],
  documentIds: (event: Recorded) => {
    const { repository } = event.data;
    switch (event.type) {
      case 'ManifestPushed':
        return [manifestId(repository, event.data.manifest.digest)];
      case 'TagPointed':
        return [manifestId(repository, event.data.digest), ...(event.data.previous ? [manifestId(repository, event.data.previous)] : [])];
      case 'TagDeleted':
      case 'ManifestDeleted':
        return [manifestId(repository, event.data.digest)];
      case 'RepositoryDeleted':
        return event.data.manifests.map((digest) => manifestId(repository, digest));
      default:
        return [];
    }
  },
  evolve: (doc, event, id) => {
    switch (event.type) {
      case 'ManifestPushed': {
        const { repository, manifest, pushedAt } = event.data;
        const { digest, mediaType, size, blobs, children, configDigest, platform } = manifest;
        return withTags(
          {
            id,
            repository,
            namespace: namespaceOf(repository),
            digest,
            mediaType,
            size,
            blobs,
            ...(configDigest ? { configDigest } : {}),
            children,
            ...(platform ? { platform } : {}),
            kind: manifestKind(manifest),
            tags: [],
            searchText: digest,
            pushedAt,
          },
          [],
        );
      }
      case 'TagPointed': {
        if (!doc) return null;
        const { repository, tag, digest } = event.data;
        // The tag moves: the manifest it now names gains it, the one it named before loses it.
        return id === manifestId(repository, digest) ? withTags(doc, [...doc.tags, tag]) : withTags(doc, doc.tags.filter((t) => t !== tag));
      }
      case 'TagDeleted':
        return doc ? withTags(doc, doc.tags.filter((t) => t !== event.data.tag)) : null;
      case 'ManifestDeleted':
      case 'RepositoryDeleted':
        return null;
      default:
        return doc;
    }
  },
};
