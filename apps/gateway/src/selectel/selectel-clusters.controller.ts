import { Controller, Delete, Get, HttpCode, Inject, Param, Patch, Post, UseGuards } from '@nestjs/common';
import { RegistryCluster, RegistryClusterRpc, type Principal } from '@wharf/contracts/identity';
import { WHARF_CONFIG, type WharfConfig } from '@wharf/platform';
import type { ServiceClient } from '@wharf/transport';
import { AuthenticatedGuard } from '../auth/authenticated.guard';
import { CurrentPrincipal } from '../auth/principal.decorator';
import { z } from 'zod';
import { ApiRoutes } from '../openapi/dialects';
import { ValidBody } from '../openapi/input';
import { Returns } from '../openapi/responses';
import { SERVICES } from '../services';
import { AddClusterBody, ClusterWithSecret, dockerConfig, invalidBody, UpdateClusterBody } from './selectel-tokens.wire';

/**
 * Kubernetes clusters integrated with a registry. Listing is Selectel's; adding and removing are Wharf's own
 * (documented in README.md): an integration is a named consumer with its own pull-only token for the registry.
 */
@Controller('api/v1/registries/:id/clusters')
@UseGuards(AuthenticatedGuard)
@ApiRoutes('selectel', 'Selectel: cluster integrations')
export class SelectelClustersController {
  private readonly registryHost: string;

  constructor(
    @Inject(SERVICES) private readonly services: ServiceClient,
    @Inject(WHARF_CONFIG) config: WharfConfig,
  ) {
    this.registryHost = new URL(config.publicRegistryUrl).host;
  }

  @Get()
  @Returns(200, z.object({ clusters: z.array(RegistryCluster), totalCount: z.number().int() }))
  async list(@CurrentPrincipal() actor: Principal, @Param('id') registryId: string) {
    return this.services.call(RegistryClusterRpc.list, { actor, registryId });
  }

  /** 201 with the cluster and, this once, its pull secret (also as a Docker `config.json`). */
  @Post()
  @HttpCode(201)
  @Returns(201, ClusterWithSecret, { description: "Wharf's own: the integration with its pull secret, shown this once" })
  async add(@CurrentPrincipal() actor: Principal, @Param('id') registryId: string, @ValidBody(AddClusterBody, invalidBody) { name, pool, kubernetes }: z.output<typeof AddClusterBody>) {
    const { cluster, pullSecret } = await this.services.call(RegistryClusterRpc.add, { actor, registryId, name, pool, ...(kubernetes ? { kubernetes } : {}) });
    return { ...cluster, pullSecret: { ...pullSecret, dockerConfig: dockerConfig(this.registryHost, pullSecret.password) } };
  }

  /** Wharf's own: sets the cluster's Kubernetes API (`{"kubernetes": {"apiServer", "token", "caCertificate"?}}`); 200 with the cluster. */
  @Patch(':clusterId')
  @Returns(200, RegistryCluster, { description: "Wharf's own: the integration with its Kubernetes API set" })
  async update(
    @CurrentPrincipal() actor: Principal,
    @Param('id') registryId: string,
    @Param('clusterId') clusterId: string,
    @ValidBody(UpdateClusterBody, invalidBody) { kubernetes }: z.output<typeof UpdateClusterBody>,
  ) {
    const { cluster } = await this.services.call(RegistryClusterRpc.setKubernetes, { actor, registryId, clusterId, kubernetes });
    return cluster;
  }

  /** The integration's token dies with it. */
  @Delete(':clusterId')
  @HttpCode(204)
  @Returns(204, undefined, { description: "Wharf's own: the integration and its token are gone" })
  async remove(@CurrentPrincipal() actor: Principal, @Param('id') registryId: string, @Param('clusterId') clusterId: string): Promise<void> {
    await this.services.call(RegistryClusterRpc.remove, { actor, registryId, clusterId });
  }
}
