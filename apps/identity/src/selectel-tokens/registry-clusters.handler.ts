import { randomUUID } from 'node:crypto';
import { Controller, Inject, Logger } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { DomainError, type RpcReply } from '@wharf/contracts';
import { PermissionRpc } from '@wharf/contracts/access';
import { clusterTokenContext, RegistryClusterRpc, SELECTEL_TOKEN_USERNAME, SelectelTokenStreams, type ClusterKubernetesApi, type Principal, type RegistryCluster } from '@wharf/contracts/identity';
import { CommandRunner, loadSecretKeyRing, ProjectionHost, SERVICE_CLIENT, WHARF_CONFIG, type SecretKeyRing, type WharfConfig } from '@wharf/platform';
import { SchemaPipe, type ServiceClient } from '@wharf/transport';
import { KnownRegistries } from './known-registries';
import { kubernetesApiProblem, registryClusterDecider, type KubernetesApi, type RegistryClusterCommand } from './registry-cluster.decider';
import { registryClustersProjection, type RegistryClusterDocument } from './registry-clusters.projection';
import { SelectelTokenRecords } from './selectel-token-records';
import { hashTokenSecret, newTokenSecret } from './token-secret';

const rpc = RegistryClusterRpc;
type In<K extends keyof typeof rpc> = (typeof rpc)[K]['request']['_output'];

const clusterOf = ({ id, name, pool, kubernetes }: RegistryClusterDocument): RegistryCluster => ({
  id,
  name,
  pool,
  ...(kubernetes ? { kubernetes: { apiServer: kubernetes.apiServer } } : {}),
});

/**
 * Kubernetes clusters integrated with a registry. Each integration holds its own pull-only token scoped to the
 * registry; removing the integration deletes the token, so its pull secret stops working at once.
 */
@Controller()
export class RegistryClustersHandler {
  private readonly operatorKeys: SecretKeyRing;

  constructor(
    private readonly commands: CommandRunner,
    private readonly projections: ProjectionHost,
    private readonly registries: KnownRegistries,
    private readonly tokens: SelectelTokenRecords,
    @Inject(SERVICE_CLIENT) private readonly services: ServiceClient,
    @Inject(WHARF_CONFIG) config: WharfConfig,
  ) {
    const logger = new Logger('RegistryClusters');
    this.operatorKeys = loadSecretKeyRing(config, (message) => logger.warn(message));
  }

  /** The API as the event keeps it: the token sealed for this cluster, after checking it (the decider checks the rest). */
  private sealed(clusterId: string, { apiServer, token, caCertificate }: ClusterKubernetesApi): KubernetesApi {
    const problem = kubernetesApiProblem({ apiServer, token, caCertificate });
    if (problem) throw new DomainError('IDENTITY.INVALID_CLUSTER_API', { reason: problem });
    return { apiServer, sealedToken: this.operatorKeys.seal(token, clusterTokenContext(clusterId)), ...(caCertificate ? { caCertificate } : {}) };
  }

  private async runCluster(registryId: string, command: { type: RegistryClusterCommand['type']; data: RegistryClusterCommand['data'] }, actor: Principal) {
    await this.commands.run(SelectelTokenStreams.registryClusters + registryId, registryClusterDecider, command, { actor, readModels: [registryClustersProjection] });
  }

  /** Whoever may read the registry (any level on it, as `GET /registries/{id}`) may list its clusters; others get 403. */
  @MessagePattern(rpc.list.subject)
  async list(@Payload(new SchemaPipe(rpc.list.request)) { actor, registryId }: In<'list'>) {
    const registry = await this.registries.requireOwned(actor.accountId, registryId);
    const { levels } = await this.services.call(PermissionRpc.resolve, { principal: actor, targets: [{ kind: 'namespace', namespace: registry.id }] });
    if (levels[0] === null) throw new DomainError('IDENTITY.FORBIDDEN', { registryId }, 'You do not have permission on this registry');
    const docs = await this.projections
      .collection(registryClustersProjection)
      .find({ where: [{ field: 'registryId', op: 'eq', value: registryId }], sort: [{ field: 'name', direction: 'asc' }] });
    return { clusters: docs.map(clusterOf), totalCount: docs.length } satisfies RpcReply<typeof rpc.list>;
  }

  /** The integration is recorded before its token exists, so a failure in between never leaves a credential nobody holds. */
  @MessagePattern(rpc.add.subject)
  async add(@Payload(new SchemaPipe(rpc.add.request)) { actor, registryId, name, pool, kubernetes }: In<'add'>) {
    await this.registries.requireOwned(actor.accountId, registryId);
    const clusterId = randomUUID();
    const tokenId = randomUUID();
    const api = kubernetes ? { kubernetes: this.sealed(clusterId, kubernetes) } : {};
    await this.runCluster(registryId, { type: 'IntegrateCluster', data: { clusterId, registryId, name, pool, tokenId, ...api, actor } }, actor);
    const secret = newTokenSecret();
    const scope = { modeRW: false, allRegistries: false, registryIds: [registryId] };
    await this.tokens.run(
      tokenId,
      {
        type: 'IssueToken',
        data: { tokenId, actor, kind: 'cluster', name: `cluster ${name}`, secretHash: hashTokenSecret(secret), expiration: { isSet: false }, scope, accountRegistryIds: [registryId], clusterId, createdBy: actor.userId },
      },
      actor,
    );
    const cluster = { id: clusterId, name, pool, ...(kubernetes ? { kubernetes: { apiServer: kubernetes.apiServer } } : {}) };
    return { cluster, pullSecret: { username: SELECTEL_TOKEN_USERNAME, password: secret } } satisfies RpcReply<typeof rpc.add>;
  }

  /** Sets or replaces the cluster's Kubernetes API, which `cce` triggers deploy through. */
  @MessagePattern(rpc.setKubernetes.subject)
  async setKubernetes(@Payload(new SchemaPipe(rpc.setKubernetes.request)) { actor, registryId, clusterId, kubernetes }: In<'setKubernetes'>) {
    await this.registries.requireOwned(actor.accountId, registryId);
    const existing = await this.projections.collection(registryClustersProjection).get(clusterId);
    if (!existing || existing.registryId !== registryId) throw new DomainError('IDENTITY.CLUSTER_NOT_FOUND', { id: clusterId });
    await this.runCluster(registryId, { type: 'SetClusterKubernetesApi', data: { clusterId, kubernetes: this.sealed(clusterId, kubernetes), actor } }, actor);
    const doc = await this.projections.collection(registryClustersProjection).get(clusterId);
    if (!doc) throw new DomainError('IDENTITY.CLUSTER_NOT_FOUND', { id: clusterId });
    return { cluster: clusterOf(doc) } satisfies RpcReply<typeof rpc.setKubernetes>;
  }

  /** The token goes first: once this answers, the cluster's pull secret is dead even if the removal is retried. */
  @MessagePattern(rpc.remove.subject)
  async remove(@Payload(new SchemaPipe(rpc.remove.request)) { actor, registryId, clusterId }: In<'remove'>) {
    await this.registries.requireOwned(actor.accountId, registryId);
    const cluster = await this.projections.collection(registryClustersProjection).get(clusterId);
    if (!cluster || cluster.registryId !== registryId) throw new DomainError('IDENTITY.CLUSTER_NOT_FOUND', { id: clusterId });
    if (await this.tokens.collection.get(cluster.tokenId)) {
      await this.tokens.run(cluster.tokenId, { type: 'DeleteToken', data: { tokenId: cluster.tokenId, actor, via: 'cluster' } }, actor);
    }
    await this.runCluster(registryId, { type: 'RemoveClusterIntegration', data: { clusterId, actor } }, actor);
    return { removed: true } satisfies RpcReply<typeof rpc.remove>;
  }
}
