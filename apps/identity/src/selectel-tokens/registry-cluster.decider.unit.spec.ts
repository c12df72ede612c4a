import { DeciderSpecification } from '@wharf/event-store/testing';
import { registryClusterDecider, type RegistryClusterEvent } from './registry-cluster.decider';

const now = '2026-11-23T10:00:00.000Z';
const metadata = { now };
const registryId = '888af692-c646-4b76-a234-81ca9b5bcafe';
const admin = { accountId: 'acc-1', accountAdmin: true };
const member = { accountId: 'acc-1', accountAdmin: false };

const integrated = (clusterId: string, name: string): Extract<RegistryClusterEvent, { type: 'ClusterIntegrated' }> => ({
  type: 'ClusterIntegrated',
  data: { clusterId, registryId, accountId: 'acc-1', name, pool: 'ru-9', tokenId: `token-${clusterId}`, createdAt: now },
});
const removed = (clusterId: string): RegistryClusterEvent => ({
  type: 'ClusterIntegrationRemoved',
  data: { clusterId, registryId, tokenId: `token-${clusterId}`, removedAt: now },
});

describe('registry cluster integrations decider', () => {
  const spec = DeciderSpecification.for(registryClusterDecider);
  const integrate = (clusterId: string, name: string, extra: { pool?: string; actor?: typeof admin } = {}) => ({
    type: 'IntegrateCluster' as const,
    data: { clusterId, registryId, name, pool: extra.pool ?? 'ru-9', tokenId: `token-${clusterId}`, actor: extra.actor ?? admin },
    metadata,
  });
  const remove = (clusterId: string, actor = admin) => ({ type: 'RemoveClusterIntegration' as const, data: { clusterId, actor }, metadata });

  it('integrates a cluster under the actor account', () => {
    spec.given([]).when(integrate('c-1', 'cluster-1')).then([integrated('c-1', 'cluster-1')]);
  });

  it('refuses a name already integrated with the registry, and allows it again once removed', () => {
    spec.given([integrated('c-1', 'cluster-1')]).when(integrate('c-2', 'cluster-1')).thenThrows({ code: 'IDENTITY.CLUSTER_ALREADY_INTEGRATED' });
    spec.given([integrated('c-1', 'cluster-1'), removed('c-1')]).when(integrate('c-2', 'cluster-1')).then([integrated('c-2', 'cluster-1')]);
  });

  it('refuses invalid names and pools, reused ids, and users who are not administrators', () => {
    for (const [name, pool] of [
      ['', 'ru-9'],
      ['-leading-dash', 'ru-9'],
      ['x'.repeat(64), 'ru-9'],
      ['cluster-1', 'RU 9'],
      ['cluster-1', ''],
    ] as const) {
      spec.given([]).when(integrate('c-1', name, { pool })).thenThrows({ code: 'IDENTITY.INVALID_CLUSTER' });
    }
    spec.given([integrated('c-1', 'a'), removed('c-1')]).when(integrate('c-1', 'b')).thenThrows({ code: 'PLATFORM.CONCURRENCY_CONFLICT' });
    spec.given([]).when(integrate('c-1', 'cluster-1', { actor: member })).thenThrows({ code: 'IDENTITY.FORBIDDEN' });
  });

  const sealedToken = { v: 1 as const, keyId: 'k', iv: 'iv', tag: 'tag', ciphertext: 'c' };
  const api = { apiServer: 'https://10.0.0.1:6443', sealedToken };
  const setApi = (clusterId: string, kubernetes: typeof api & { caCertificate?: string }, actor = admin) => ({
    type: 'SetClusterKubernetesApi' as const,
    data: { clusterId, kubernetes, actor },
    metadata,
  });

  it('records the Kubernetes API given with an integration, or set on it later', () => {
    spec
      .given([])
      .when({ ...integrate('c-1', 'cluster-1'), data: { ...integrate('c-1', 'cluster-1').data, kubernetes: api } })
      .then([{ type: 'ClusterIntegrated', data: { ...integrated('c-1', 'cluster-1').data, kubernetes: api } }]);
    spec.given([integrated('c-1', 'cluster-1')]).when(setApi('c-1', api)).then([{ type: 'ClusterKubernetesApiSet', data: { clusterId: 'c-1', registryId, kubernetes: api, setAt: now } }]);
  });

  it('refuses an API server that is not an http(s) URL, carries credentials, or a CA that is not PEM; unknown clusters and members', () => {
    for (const bad of [{ apiServer: 'ftp://x' }, { apiServer: 'not a url' }, { apiServer: 'https://user:pw@10.0.0.1' }, { apiServer: 'https://10.0.0.1', caCertificate: 'nope' }]) {
      spec.given([integrated('c-1', 'cluster-1')]).when(setApi('c-1', { ...api, ...bad })).thenThrows({ code: 'IDENTITY.INVALID_CLUSTER_API' });
    }
    spec.given([]).when(setApi('c-1', api)).thenThrows({ code: 'IDENTITY.CLUSTER_NOT_FOUND' });
    spec.given([integrated('c-1', 'cluster-1')]).when(setApi('c-1', api, member)).thenThrows({ code: 'IDENTITY.FORBIDDEN' });
  });

  it('removes an integration, naming its token; unknown or removed ones are 404 with the cluster id', () => {
    spec.given([integrated('c-1', 'cluster-1')]).when(remove('c-1')).then([removed('c-1')]);
    spec.given([integrated('c-1', 'cluster-1'), removed('c-1')]).when(remove('c-1')).thenThrows({ code: 'IDENTITY.CLUSTER_NOT_FOUND', details: { id: 'c-1' } });
    spec.given([integrated('c-1', 'cluster-1')]).when(remove('c-1', member)).thenThrows({ code: 'IDENTITY.FORBIDDEN' });
  });
});
