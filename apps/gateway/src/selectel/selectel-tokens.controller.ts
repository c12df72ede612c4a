import { Body, Controller, Delete, Get, HttpCode, Inject, Param, Patch, Post, Query, UseGuards } from '@nestjs/common';
import { SelectelTokenRpc, type Principal } from '@wharf/contracts/identity';
import { WHARF_CONFIG, type WharfConfig } from '@wharf/platform';
import type { ServiceClient } from '@wharf/transport';
import { AuthenticatedGuard } from '../auth/authenticated.guard';
import { CurrentPrincipal } from '../auth/principal.decorator';
import { SERVICES } from '../services';
import { CreateTokenBody, CreateTokenQuery, dockerConfig, ExpirationBody, ListTokensQuery, selectelInput, selectelToken, UpdateTokenBody } from './selectel-tokens.wire';

/**
 * Selectel tokens v2 (`/api/v2/tokens`): named, scoped (read-only or read-write, all registries or some), with an
 * optional expiry. The secret is in the answers to create and regenerate only.
 */
@Controller('api/v2/tokens')
@UseGuards(AuthenticatedGuard)
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
  async create(@CurrentPrincipal() actor: Principal, @Query() query: unknown, @Body() body: unknown) {
    const { 'docker-config': asDockerConfig } = selectelInput(CreateTokenQuery, query, 'query parameter');
    const input = selectelInput(CreateTokenBody, body, 'request body');
    const { token, secret } = await this.services.call(SelectelTokenRpc.create, { actor, ...input });
    return asDockerConfig === 'true' ? dockerConfig(this.registryHost, secret) : selectelToken(token, secret);
  }

  @Get()
  async list(@CurrentPrincipal() actor: Principal, @Query() query: unknown) {
    const { limit, offset, sort_field, sort_type, search, scope_mode } = selectelInput(ListTokensQuery, query, 'query parameter');
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
  async get(@CurrentPrincipal() actor: Principal, @Param('id') tokenId: string) {
    const { token } = await this.services.call(SelectelTokenRpc.get, { actor, tokenId });
    return selectelToken(token);
  }

  @Patch(':id')
  async update(@CurrentPrincipal() actor: Principal, @Param('id') tokenId: string, @Body() body: unknown) {
    const input = selectelInput(UpdateTokenBody, body, 'request body');
    const { token } = await this.services.call(SelectelTokenRpc.update, { actor, tokenId, ...input });
    return selectelToken(token);
  }

  /** A new expiry; the secret stays. */
  @Post(':id/refresh')
  @HttpCode(200)
  async refresh(@CurrentPrincipal() actor: Principal, @Param('id') tokenId: string, @Body() body: unknown) {
    const { expiration } = selectelInput(ExpirationBody, body, 'request body');
    const { token } = await this.services.call(SelectelTokenRpc.refresh, { actor, tokenId, expiration });
    return selectelToken(token);
  }

  /** A new secret, shown here once; the old one stops working at once. */
  @Post(':id/regenerate')
  @HttpCode(200)
  async regenerate(@CurrentPrincipal() actor: Principal, @Param('id') tokenId: string, @Body() body: unknown) {
    const { expiration } = selectelInput(ExpirationBody, body, 'request body');
    const { token, secret } = await this.services.call(SelectelTokenRpc.regenerate, { actor, tokenId, expiration });
    return selectelToken(token, secret);
  }

  /** The token stops working and stays listed as `revoked`. */
  @Post(':id/revoke')
  @HttpCode(204)
  async revoke(@CurrentPrincipal() actor: Principal, @Param('id') tokenId: string): Promise<void> {
    await this.services.call(SelectelTokenRpc.revoke, { actor, tokenId });
  }

  @Delete(':id')
  @HttpCode(204)
  async delete(@CurrentPrincipal() actor: Principal, @Param('id') tokenId: string): Promise<void> {
    await this.services.call(SelectelTokenRpc.delete, { actor, tokenId });
  }
}
