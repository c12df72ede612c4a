import { Controller, Delete, Get, HttpCode, Inject, Param, Patch, Post, UseGuards } from '@nestjs/common';
import { SelectelTokenRpc, type Principal } from '@wharf/contracts/identity';
import { WHARF_CONFIG, type WharfConfig } from '@wharf/platform';
import type { ServiceClient } from '@wharf/transport';
import { AuthenticatedGuard } from '../auth/authenticated.guard';
import { CurrentPrincipal } from '../auth/principal.decorator';
import { z } from 'zod';
import { ApiRoutes } from '../openapi/dialects';
import { ValidBody, ValidQuery } from '../openapi/input';
import { Returns } from '../openapi/responses';
import { SERVICES } from '../services';
import {
  CreateTokenBody,
  CreateTokenQuery,
  DockerConfig,
  dockerConfig,
  ExpirationBody,
  invalidBody,
  invalidQuery,
  ListTokensQuery,
  selectelToken,
  SelectelTokenShape,
  UpdateTokenBody,
} from './selectel-tokens.wire';

/**
 * Selectel tokens v2 (`/api/v2/tokens`): named, scoped (read-only or read-write, all registries or some), with an
 * optional expiry. The secret is in the answers to create and regenerate only.
 */
@Controller('api/v2/tokens')
@UseGuards(AuthenticatedGuard)
@ApiRoutes('selectel', 'Selectel: tokens v2')
export class SelectelTokensController {
  private readonly registryHost: string;

  constructor(
    @Inject(SERVICES) private readonly services: ServiceClient,
    @Inject(WHARF_CONFIG) config: WharfConfig,
  ) {
    this.registryHost = new URL(config.publicRegistryUrl).host;
  }

  /** 201 with the token and its secret, or with a Docker `config.json` when `docker-config=true`. */
  @Post()
  @HttpCode(201)
  @Returns(201, z.union([SelectelTokenShape, DockerConfig]), { description: 'The token with its secret, or a Docker config.json with docker-config=true' })
  async create(
    @CurrentPrincipal() actor: Principal,
    @ValidQuery(CreateTokenQuery, invalidQuery) { 'docker-config': asDockerConfig }: z.output<typeof CreateTokenQuery>,
    @ValidBody(CreateTokenBody, invalidBody) input: z.output<typeof CreateTokenBody>,
  ) {
    const { token, secret } = await this.services.call(SelectelTokenRpc.create, { actor, ...input });
    return asDockerConfig === 'true' ? dockerConfig(this.registryHost, secret) : selectelToken(token, secret);
  }

  @Get()
  @Returns(200, z.object({ tokens: z.array(SelectelTokenShape), totalCount: z.number().int() }))
  async list(
    @CurrentPrincipal() actor: Principal,
    @ValidQuery(ListTokensQuery, invalidQuery) { limit, offset, sort_field, sort_type, search, scope_mode }: z.output<typeof ListTokensQuery>,
  ) {
    const { tokens, totalCount } = await this.services.call(SelectelTokenRpc.list, {
      actor,
      limit,
      offset,
      sortField: sort_field,
      sortType: sort_type,
      ...(search !== undefined ? { search } : {}),
      ...(scope_mode !== undefined ? { scopeMode: scope_mode } : {}),
    });
    return { tokens: tokens.map((token) => selectelToken(token)), totalCount };
  }

  @Get(':id')
  @Returns(200, SelectelTokenShape)
  async get(@CurrentPrincipal() actor: Principal, @Param('id') tokenId: string) {
    const { token } = await this.services.call(SelectelTokenRpc.get, { actor, tokenId });
    return selectelToken(token);
  }

  @Patch(':id')
  @Returns(200, SelectelTokenShape)
  async update(@CurrentPrincipal() actor: Principal, @Param('id') tokenId: string, @ValidBody(UpdateTokenBody, invalidBody) input: z.output<typeof UpdateTokenBody>) {
    const { token } = await this.services.call(SelectelTokenRpc.update, { actor, tokenId, ...input });
    return selectelToken(token);
  }

  /** A new expiry; the secret stays. */
  @Post(':id/refresh')
  @HttpCode(200)
  @Returns(200, SelectelTokenShape)
  async refresh(@CurrentPrincipal() actor: Principal, @Param('id') tokenId: string, @ValidBody(ExpirationBody, invalidBody) { expiration }: z.output<typeof ExpirationBody>) {
    const { token } = await this.services.call(SelectelTokenRpc.refresh, { actor, tokenId, expiration });
    return selectelToken(token);
  }

  /** A new secret, shown here once; the old one stops working at once. */
  @Post(':id/regenerate')
  @HttpCode(200)
  @Returns(200, SelectelTokenShape, { description: 'The token with its new secret' })
  async regenerate(@CurrentPrincipal() actor: Principal, @Param('id') tokenId: string, @ValidBody(ExpirationBody, invalidBody) { expiration }: z.output<typeof ExpirationBody>) {
    const { token, secret } = await this.services.call(SelectelTokenRpc.regenerate, { actor, tokenId, expiration });
    return selectelToken(token, secret);
  }

  /** The token stops working and stays listed as `revoked`. */
  @Post(':id/revoke')
  @HttpCode(204)
  @Returns(204, undefined, { description: 'The token stops working' })
  async revoke(@CurrentPrincipal() actor: Principal, @Param('id') tokenId: string): Promise<void> {
    await this.services.call(SelectelTokenRpc.revoke, { actor, tokenId });
  }

  @Delete(':id')
  @HttpCode(204)
  @Returns(204, undefined, { description: 'The token is gone' })
  async delete(@CurrentPrincipal() actor: Principal, @Param('id') tokenId: string): Promise<void> {
    await this.services.call(SelectelTokenRpc.delete, { actor, tokenId });
  }
}
