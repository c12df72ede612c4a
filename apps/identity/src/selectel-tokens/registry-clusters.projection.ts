import { SelectelTokenStreams } from '@wharf/contracts/identity';
import type { Projection } from '@wharf/read-model';
import type { ClusterIntegratedData, RegistryClusterEvent } from './registry-cluster.decider';

export interface RegistryClusterDocument extends ClusterIntegratedData {
  id: string;
  [field: string]: unknown;
}

/** Cluster integrations by id, listed per registry by name. */
export const registryClustersProjection: Projection<RegistryClusterDocument, RegistryClusterEvent> = {
  name: 'registry_clusters',
  version: 1,
  streamPrefixes: [SelectelTokenStreams.registryClusters],
  indexes: [['registryId', 'name']],
  documentIds: (event) => [event.data.clusterId],
  evolve: (doc, event) => {
    switch (event.type) {
      case 'ClusterIntegrated':
        return { id: event.data.clusterId, ...event.data };
      case 'ClusterKubernetesApiSet':
        return doc && { ...doc, kubernetes: event.data.kubernetes };
      case 'ClusterIntegrationRemoved':
        return null;
    }
  },
};
