import { Body, Controller, Delete, Get, HttpCode, Inject, Param, Patch, Post, UseGuards } from '@nestjs/common';
import { RegistryClusterRpc, type Principal } from '@wharf/contracts/identity';
import { WHARF_CONFIG, type WharfConfig } from '@wharf/platform';
import type { ServiceClient } from '@wharf/transport';
import { AuthenticatedGuard } from '../auth/authenticated.guard';
import { CurrentPrincipal } from '../auth/principal.decorator';
import { SERVICES } from '../services';
import { AddClusterBody, dockerConfig, selectelInput, UpdateClusterBody } from './selectel-tokens.wire';

/**
 * Kubernetes clusters integrated with a registry. Listing is Selectel's; adding and removing are Wharf's own
 * (documented in README.md): an integration is a named consumer with its own pull-only token for the registry.
 */
@Controller('api/v1/registries/:id/clusters')
@UseGuards(AuthenticatedGuard)
export class SelectelClustersController {
  private readonly registryHost: string;

  constructor(
    @Inject(SERVICES) private readonly services: ServiceClient,
    @Inject(WHARF_CONFIG) config: WharfConfig,
  ) {
    this.registryHost = new URL(config.publicRegistryUrl).host;
  }

  @Get()
  async list(@CurrentPrincipal() actor: Principal, @Param('id') registryId: string) {
    return this.services.call(RegistryClusterRpc.list, { actor, registryId });
  }

  /** 201 with the cluster and, this once, its pull secret (also as a Docker `config.json`). */
  @Post()
  @HttpCode(201)
  async add(@CurrentPrincipal() actor: Principal, @Param('id') registryId: string, @Body() body: unknown) {
    const { name, pool, kubernetes } = selectelInput(AddClusterBody, body, 'request body');
    const { cluster, pullSecret } = await this.services.call(RegistryClusterRpc.add, { actor, registryId, name, pool, ...(kubernetes ? { kubernetes } : {}) });
    return { ...cluster, pullSecret: { ...pullSecret, dockerConfig: dockerConfig(this.registryHost, pullSecret.password) } };
  }

  /** Wharf's own: sets the cluster's Kubernetes API (`{"kubernetes": {"apiServer", "token", "caCertificate"?}}`); 200 with the cluster. */
  @Patch(':clusterId')
  async update(@CurrentPrincipal() actor: Principal, @Param('id') registryId: string, @Param('clusterId') clusterId: string, @Body() body: unknown) {
    const { kubernetes } = selectelInput(UpdateClusterBody, body, 'request body');
    const { cluster } = await this.services.call(RegistryClusterRpc.setKubernetes, { actor, registryId, clusterId, kubernetes });
    return cluster;
  }

  /** The integration's token dies with it. */
  @Delete(':clusterId')
  @HttpCode(204)
  async remove(@CurrentPrincipal() actor: Principal, @Param('id') registryId: string, @Param('clusterId') clusterId: string): Promise<void> {
    await this.services.call(RegistryClusterRpc.remove, { actor, registryId, clusterId });
  }
}
