import { RepositoryStreams } from '@wharf/contracts/catalog';
import { SelectelTokenStreams } from '@wharf/contracts/identity';
import type { Event, RecordedEvent } from '@wharf/event-store';
import type { Projection } from '@wharf/read-model';
import type { SealedSecret } from '@wharf/platform';

/**
 * What deliveries need to know of other services, projected from their events (never asked for): whether a
 * repository is public and when it was created (Harbor's payload says), and the Kubernetes API of each cluster
 * integrated with a registry (where `cce` triggers deploy). Only the fields read here are typed.
 */

type RepositoryCreated = Event<'RepositoryCreated', { repository: string; isPublic?: boolean; createdAt: string }>;
type RepositoryUpdated = Event<'RepositoryUpdated', { repository: string; isPublic: boolean }>;
type RepositoryDeleted = Event<'RepositoryDeleted', { repository: string }>;
type RepositoryFact = RepositoryCreated | RepositoryUpdated | RepositoryDeleted;

export interface RepositoryDocument {
  id: string;
  isPublic: boolean;
  createdAt: string;
  [field: string]: unknown;
}

export const triggerRepositoriesView: Projection<RepositoryDocument, RepositoryFact> = {
  name: 'trigger_repositories',
  version: 1,
  streamPrefixes: [RepositoryStreams.repository],
  documentIds: (event: RecordedEvent<RepositoryFact>) =>
    event.type === 'RepositoryCreated' || event.type === 'RepositoryUpdated' || event.type === 'RepositoryDeleted' ? [event.data.repository] : [],
  evolve: (doc, event, id) => {
    switch (event.type) {
      case 'RepositoryCreated':
        return { id, isPublic: event.data.isPublic ?? false, createdAt: event.data.createdAt };
      case 'RepositoryUpdated':
        return doc && { ...doc, isPublic: event.data.isPublic };
      case 'RepositoryDeleted':
        return null;
      default:
        return doc;
    }
  },
};

export interface KubernetesApi {
  apiServer: string;
  sealedToken: SealedSecret;
  caCertificate?: string;
}
type ClusterIntegrated = Event<'ClusterIntegrated', { clusterId: string; registryId: string; name: string; kubernetes?: KubernetesApi }>;
type ClusterKubernetesApiSet = Event<'ClusterKubernetesApiSet', { clusterId: string; kubernetes: KubernetesApi }>;
type ClusterIntegrationRemoved = Event<'ClusterIntegrationRemoved', { clusterId: string }>;
type ClusterFact = ClusterIntegrated | ClusterKubernetesApiSet | ClusterIntegrationRemoved;

export interface ClusterDocument {
  id: string;
  registryId: string;
  name: string;
  kubernetes?: KubernetesApi;
  [field: string]: unknown;
}

export const triggerClustersView: Projection<ClusterDocument, ClusterFact> = {
  name: 'trigger_clusters',
  version: 1,
  streamPrefixes: [SelectelTokenStreams.registryClusters],
  indexes: [['registryId', 'name']],
  documentIds: (event) => [event.data.clusterId],
  evolve: (doc, event, id) => {
    switch (event.type) {
      case 'ClusterIntegrated': {
        const { registryId, name, kubernetes } = event.data;
        return { id, registryId, name, ...(kubernetes ? { kubernetes } : {}) };
      }
      case 'ClusterKubernetesApiSet':
        return doc && { ...doc, kubernetes: event.data.kubernetes };
      case 'ClusterIntegrationRemoved':
        return null;
      default:
        return doc;
    }
  },
};
