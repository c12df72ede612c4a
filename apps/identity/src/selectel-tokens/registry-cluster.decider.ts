import { DomainError } from '@wharf/contracts';
import type { Command, Decider, Event } from '@wharf/event-store';
import { requireTokenAdmin, type TokenActor } from './token-policy';

export interface ClusterIntegratedData {
  clusterId: string;
  registryId: string;
  accountId: string;
  name: string;
  pool: string;
  /** The integration's own pull-only token, scoped to this registry. */
  tokenId: string;
  createdAt: string;
}
export type ClusterIntegrated = Event<'ClusterIntegrated', ClusterIntegratedData>;
export type ClusterIntegrationRemoved = Event<'ClusterIntegrationRemoved', { clusterId: string; registryId: string; tokenId: string; removedAt: string }>;
export type RegistryClusterEvent = ClusterIntegrated | ClusterIntegrationRemoved;

export type IntegrateCluster = Command<'IntegrateCluster', Omit<ClusterIntegratedData, 'accountId' | 'createdAt'> & { actor: TokenActor }>;
export type RemoveClusterIntegration = Command<'RemoveClusterIntegration', { clusterId: string; actor: TokenActor }>;
export type RegistryClusterCommand = IntegrateCluster | RemoveClusterIntegration;

/** The integrations of one registry, by cluster id. */
export interface RegistryClustersState {
  clusters: Record<string, { name: string; registryId: string; tokenId: string }>;
  /** Every id ever used here: ids are never reused. */
  usedIds: string[];
}

/** Kubernetes-style cluster names (letters, digits, `.`, `_`, `-`; 1-63) and Selectel pool names such as `ru-9`. */
const CLUSTER_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$/;
const POOL = /^[a-z0-9][a-z0-9-]{0,31}$/;

export const registryClusterDecider: Decider<RegistryClustersState, RegistryClusterCommand, RegistryClusterEvent> = {
  initialState: () => ({ clusters: {}, usedIds: [] }),
  evolve: (state, event) => {
    switch (event.type) {
      case 'ClusterIntegrated': {
        const { clusterId, name, registryId, tokenId } = event.data;
        return { clusters: { ...state.clusters, [clusterId]: { name, registryId, tokenId } }, usedIds: [...state.usedIds, clusterId] };
      }
      case 'ClusterIntegrationRemoved': {
        const { [event.data.clusterId]: _removed, ...clusters } = state.clusters;
        return { ...state, clusters };
      }
    }
  },
  decide: (command, state) => {
    const now = command.metadata.now;
    switch (command.type) {
      case 'IntegrateCluster': {
        const { actor, ...data } = command.data;
        requireTokenAdmin(actor);
        if (!CLUSTER_NAME.test(data.name) || !POOL.test(data.pool)) throw new DomainError('IDENTITY.INVALID_CLUSTER', { name: data.name, pool: data.pool });
        if (state.usedIds.includes(data.clusterId)) throw new DomainError('PLATFORM.CONCURRENCY_CONFLICT', { clusterId: data.clusterId });
        if (Object.values(state.clusters).some((cluster) => cluster.name === data.name)) {
          throw new DomainError('IDENTITY.CLUSTER_ALREADY_INTEGRATED', { name: data.name, registryId: data.registryId });
        }
        return [{ type: 'ClusterIntegrated', data: { ...data, accountId: actor.accountId, createdAt: now } }];
      }
      case 'RemoveClusterIntegration': {
        const { clusterId, actor } = command.data;
        requireTokenAdmin(actor);
        const cluster = state.clusters[clusterId];
        if (!cluster) throw new DomainError('IDENTITY.CLUSTER_NOT_FOUND', { id: clusterId });
        return [{ type: 'ClusterIntegrationRemoved', data: { clusterId, registryId: cluster.registryId, tokenId: cluster.tokenId, removedAt: now } }];
      }
    }
  },
};
