import { DomainError } from '@wharf/contracts';
import type { Command, Decider, Event } from '@wharf/event-store';
import type { SealedSecret } from '@wharf/platform';
import { requireTokenAdmin, type TokenActor } from './token-policy';

/** Where `cce` triggers reach the cluster: its Kubernetes API server, a bearer token (sealed) and the CA it trusts. */
export interface KubernetesApi {
  apiServer: string;
  sealedToken: SealedSecret;
  caCertificate?: string;
}

export interface ClusterIntegratedData {
  clusterId: string;
  registryId: string;
  accountId: string;
  name: string;
  pool: string;
  /** The integration's own pull-only token, scoped to this registry. */
  tokenId: string;
  /** Absent in integrations made without one (and in every one made before Wharf knew of it). */
  kubernetes?: KubernetesApi;
  createdAt: string;
}
export type ClusterIntegrated = Event<'ClusterIntegrated', ClusterIntegratedData>;
export type ClusterKubernetesApiSet = Event<'ClusterKubernetesApiSet', { clusterId: string; registryId: string; kubernetes: KubernetesApi; setAt: string }>;
export type ClusterIntegrationRemoved = Event<'ClusterIntegrationRemoved', { clusterId: string; registryId: string; tokenId: string; removedAt: string }>;
export type RegistryClusterEvent = ClusterIntegrated | ClusterKubernetesApiSet | ClusterIntegrationRemoved;

export type IntegrateCluster = Command<'IntegrateCluster', Omit<ClusterIntegratedData, 'accountId' | 'createdAt'> & { actor: TokenActor }>;
export type SetClusterKubernetesApi = Command<'SetClusterKubernetesApi', { clusterId: string; kubernetes: KubernetesApi; actor: TokenActor }>;
export type RemoveClusterIntegration = Command<'RemoveClusterIntegration', { clusterId: string; actor: TokenActor }>;
export type RegistryClusterCommand = IntegrateCluster | SetClusterKubernetesApi | RemoveClusterIntegration;

const PEM_CERTIFICATE = /^\s*(-----BEGIN CERTIFICATE-----\r?\n[A-Za-z0-9+/=\r\n]+-----END CERTIFICATE-----\s*)+$/;

/**
 * What is wrong with a Kubernetes API as given, or null: an http(s) URL without credentials, query or fragment; a
 * token of 1 to 8192 visible characters; a CA of PEM certificates (at most 64 KiB). The handler checks the token
 * before sealing it; the decider checks the rest.
 */
export const kubernetesApiProblem = (api: { apiServer: string; token?: string; caCertificate?: string | undefined }): string | null => {
  let url: URL;
  try {
    url = new URL(api.apiServer);
  } catch {
    return 'apiServer is not a URL';
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return 'apiServer must be an http or https URL';
  if (url.username || url.password || url.search || url.hash) return 'apiServer must not carry credentials, a query or a fragment';
  if (api.token !== undefined && !/^[\x21-\x7e]{1,8192}$/.test(api.token)) return 'token must be 1-8192 visible ASCII characters';
  if (api.caCertificate !== undefined && (api.caCertificate.length > 65536 || !PEM_CERTIFICATE.test(api.caCertificate))) return 'caCertificate must be PEM certificates';
  return null;
};

const requireValidApi = (kubernetes: KubernetesApi | undefined): void => {
  const problem = kubernetes && kubernetesApiProblem(kubernetes);
  if (problem) throw new DomainError('IDENTITY.INVALID_CLUSTER_API', { reason: problem });
};

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
      case 'ClusterKubernetesApiSet':
        return state;
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
        requireValidApi(data.kubernetes);
        return [{ type: 'ClusterIntegrated', data: { ...data, accountId: actor.accountId, createdAt: now } }];
      }
      case 'SetClusterKubernetesApi': {
        const { clusterId, kubernetes, actor } = command.data;
        requireTokenAdmin(actor);
        const cluster = state.clusters[clusterId];
        if (!cluster) throw new DomainError('IDENTITY.CLUSTER_NOT_FOUND', { id: clusterId });
        requireValidApi(kubernetes);
        return [{ type: 'ClusterKubernetesApiSet', data: { clusterId, registryId: cluster.registryId, kubernetes, setAt: now } }];
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
