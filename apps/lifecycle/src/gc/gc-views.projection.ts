import { CatalogStreams, RepositoryStreams } from '@wharf/contracts/catalog';
import type { Principal } from '@wharf/contracts/identity';
import { LifecycleStreams, type GcRun } from '@wharf/contracts/lifecycle';
import type { RecordedEvent } from '@wharf/event-store';
import type { Projection } from '@wharf/read-model';
import { namespaceOf, type NamespaceFact, type RepositoryFact } from './catalog-facts';
import type { ContentSwept } from './gc-progress.decider';
import type { GcRunEvent } from './gc-run.decider';

/**
 * Lifecycle's own views of catalog's reference graph (projected from catalog's published events, never read
 * from catalog's store) and of its garbage-collection runs. Pure: each evolve is a function of the document and
 * one event.
 */

const contentId = (repository: string, digest: string): string => `${repository}@${digest}`;

/** Registries (catalog namespaces) by name, with the UUID the Selectel dialect calls them by. */
export interface RegistryDocument {
  id: string;
  registryId: string;
  namespace: string;
  accountId: string;
  [field: string]: unknown;
}

export const registriesView: Projection<RegistryDocument, NamespaceFact> = {
  name: 'gc_registries',
  version: 1,
  streamPrefixes: [CatalogStreams.namespace],
  indexes: [['registryId']],
  documentIds: (event: RecordedEvent<NamespaceFact>) => (event.type === 'NamespaceCreated' || event.type === 'NamespaceDeleted' ? [event.data.name] : []),
  evolve: (doc, event) => {
    switch (event.type) {
      case 'NamespaceCreated': {
        const { registryId, name, accountId } = event.data;
        return { id: name, registryId, namespace: name, accountId };
      }
      case 'NamespaceDeleted':
        return null;
      default:
        return doc;
    }
  },
};

/** A blob link of a repository, with when it was made (or made again). */
export interface LinkDocument {
  id: string;
  namespace: string;
  repository: string;
  digest: string;
  size: number;
  linkedAt: string;
  [field: string]: unknown;
}

export const linksView: Projection<LinkDocument, RepositoryFact> = {
  name: 'gc_links',
  version: 1,
  streamPrefixes: [RepositoryStreams.repository],
  indexes: [['namespace', 'digest']],
  documentIds: (event: RecordedEvent<RepositoryFact>) => {
    switch (event.type) {
      case 'BlobLinked':
      case 'BlobLinkRefreshed':
      case 'BlobUnlinked':
        return [contentId(event.data.repository, event.data.digest)];
      case 'RepositoryDeleted':
        return event.data.blobs.map((digest) => contentId(event.data.repository, digest));
      default:
        return [];
    }
  },
  evolve: (doc, event, id) => {
    switch (event.type) {
      case 'BlobLinked': {
        const { repository, digest, size, linkedAt } = event.data;
        return { id, namespace: namespaceOf(repository), repository, digest, size, linkedAt };
      }
      case 'BlobLinkRefreshed':
        return doc ? { ...doc, linkedAt: event.data.refreshedAt } : null;
      case 'BlobUnlinked':
      case 'RepositoryDeleted':
        return null;
      default:
        return doc;
    }
  },
};

/** A manifest of a repository with everything it references and the tags naming it. */
export interface ManifestDocument {
  id: string;
  namespace: string;
  repository: string;
  digest: string;
  size: number;
  /** Config and layers. */
  blobs: string[];
  /** An index's manifests. */
  children: string[];
  subject?: string;
  pushedAt: string;
  tags: string[];
  [field: string]: unknown;
}

const withTags = (doc: ManifestDocument, tags: string[]): ManifestDocument => ({ ...doc, tags: [...new Set(tags)].sort() });

export const manifestsView: Projection<ManifestDocument, RepositoryFact> = {
  name: 'gc_manifests',
  version: 1,
  streamPrefixes: [RepositoryStreams.repository],
  indexes: [['namespace', 'digest'], ['repository']],
  documentIds: (event: RecordedEvent<RepositoryFact>) => {
    const { repository } = event.data;
    switch (event.type) {
      case 'ManifestPushed':
        return [contentId(repository, event.data.manifest.digest)];
      case 'TagPointed':
        return [contentId(repository, event.data.digest), ...(event.data.previous ? [contentId(repository, event.data.previous)] : [])];
      case 'TagDeleted':
      case 'ManifestDeleted':
        return [contentId(repository, event.data.digest)];
      case 'RepositoryDeleted':
        return event.data.manifests.map((digest) => contentId(repository, digest));
      default:
        return [];
    }
  },
  evolve: (doc, event, id) => {
    switch (event.type) {
      case 'ManifestPushed': {
        const { repository, manifest, pushedAt } = event.data;
        const { digest, size, blobs, children, subject } = manifest;
        return { id, namespace: namespaceOf(repository), repository, digest, size, blobs, children, ...(subject ? { subject } : {}), pushedAt, tags: [] };
      }
      case 'TagPointed': {
        if (!doc) return null;
        const { repository, tag, digest } = event.data;
        // The tag moves: the manifest it names now gains it, the one it named before loses it.
        return id === contentId(repository, digest) ? withTags(doc, [...doc.tags, tag]) : withTags(doc, doc.tags.filter((t) => t !== tag));
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

/**
 * Every digest any repository anywhere holds or held, as a blob link or a manifest: how many holdings it has
 * and when one was last made. A digest with no holdings is an orphan whose bytes garbage collection may delete
 * (once its last holding is older than the grace window); its document goes when a run records it swept.
 */
export interface ContentDocument {
  id: string;
  digest: string;
  size: number;
  references: number;
  lastReferencedAt: string;
  [field: string]: unknown;
}

type ContentEvent = RepositoryFact | ContentSwept;

const referenced = (doc: ContentDocument | null, digest: string, size: number, at: string): ContentDocument => ({
  id: digest,
  digest,
  size,
  references: (doc?.references ?? 0) + 1,
  lastReferencedAt: doc && doc.lastReferencedAt > at ? doc.lastReferencedAt : at,
});

const released = (doc: ContentDocument | null, count: number): ContentDocument | null => (doc ? { ...doc, references: Math.max(0, doc.references - count) } : null);

export const contentsView: Projection<ContentDocument, ContentEvent> = {
  name: 'gc_contents',
  version: 1,
  streamPrefixes: [RepositoryStreams.repository, LifecycleStreams.sweep],
  indexes: [['references']],
  documentIds: (event: RecordedEvent<ContentEvent>) => {
    switch (event.type) {
      case 'BlobLinked':
      case 'BlobLinkRefreshed':
      case 'BlobUnlinked':
      case 'ManifestDeleted':
        return [event.data.digest];
      case 'ManifestPushed':
        return [event.data.manifest.digest];
      case 'RepositoryDeleted':
        return [...new Set([...event.data.blobs, ...event.data.manifests])];
      case 'ContentSwept':
        return event.data.digests;
      default:
        return [];
    }
  },
  evolve: (doc, event, id) => {
    switch (event.type) {
      case 'BlobLinked':
        return referenced(doc, id, event.data.size, event.data.linkedAt);
      case 'ManifestPushed':
        return referenced(doc, id, event.data.manifest.size, event.data.pushedAt);
      case 'BlobLinkRefreshed':
        return doc && event.data.refreshedAt > doc.lastReferencedAt ? { ...doc, lastReferencedAt: event.data.refreshedAt } : doc;
      case 'BlobUnlinked':
      case 'ManifestDeleted':
        return released(doc, 1);
      case 'RepositoryDeleted': {
        const holdings = event.data.blobs.filter((d) => d === id).length + event.data.manifests.filter((d) => d === id).length;
        return released(doc, holdings);
      }
      case 'ContentSwept':
        // A digest referenced again since the run looked keeps its document.
        return doc && doc.references > 0 ? doc : null;
      default:
        return doc;
    }
  },
};

/** Runs as the API shows them, with who asked (catalog records the collection's deletions in their name). */
export type RunDocument = GcRun & { id: string; requestedBy: Principal; [field: string]: unknown };

export const runsView: Projection<RunDocument, GcRunEvent> = {
  name: 'gc_runs',
  version: 1,
  streamPrefixes: [LifecycleStreams.garbageCollection],
  indexes: [['registryId', 'startedAt'], ['status']],
  documentIds: (event: RecordedEvent<GcRunEvent>) => [event.data.runId],
  evolve: (doc, event, id) => {
    if (event.type === 'GarbageCollectionStarted') {
      const { registryId, namespace, deleteUntagged, startedAt, protectedAfter, requestedBy } = event.data;
      return { id, runId: id, registryId, namespace, deleteUntagged, status: 'running', startedAt, protectedAfter, requestedBy, resumed: 0, followUpQueued: false };
    }
    if (!doc) return null;
    switch (event.type) {
      case 'GarbageCollectionQueued':
        return { ...doc, followUpQueued: true };
      case 'GarbageCollectionMarked':
        // A resumed run marks again what is left; what it set out to free is the first mark's.
        return { ...doc, predictedBytes: doc.predictedBytes ?? event.data.predictedBytes };
      case 'GarbageCollectionResumed':
        return { ...doc, resumed: doc.resumed + 1 };
      case 'GarbageCollectionFinished': {
        const { runId: _runId, finishedAt, ...results } = event.data;
        return { ...doc, ...results, status: 'finished', finishedAt };
      }
      case 'GarbageCollectionFailed':
        return { ...doc, status: 'failed', finishedAt: event.data.failedAt, error: event.data.error };
      default:
        return doc;
    }
  },
};

export const gcViews = [registriesView, linksView, manifestsView, contentsView, runsView];
