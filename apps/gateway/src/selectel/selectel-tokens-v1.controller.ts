import { Controller, Delete, Get, HttpCode, Inject, Param, Post, Query, UseGuards } from '@nestjs/common';
import { SelectelV1TokenRpc, type Principal } from '@wharf/contracts/identity';
import { WHARF_CONFIG, type WharfConfig } from '@wharf/platform';
import type { ServiceClient } from '@wharf/transport';
import { AuthenticatedGuard } from '../auth/authenticated.guard';
import { CurrentPrincipal } from '../auth/principal.decorator';
import { SERVICES } from '../services';
import { CreateV1TokenQuery, dockerConfig, selectelInput, v1Expiry } from './selectel-tokens.wire';

/**
 * Selectel tokens v1 (`/api/v1/token`, singular): read-write on every registry of the account, for `12h` or
 * `1y`; the token itself is the path parameter that names it.
 */
@Controller('api/v1/token')
@UseGuards(AuthenticatedGuard)
export class SelectelTokensV1Controller {
  private readonly registryHost: string;

  constructor(
    @Inject(SERVICES) private readonly services: ServiceClient,
    @Inject(WHARF_CONFIG) config: WharfConfig,
  ) {
    this.registryHost = new URL(config.publicRegistryUrl).host;
  }

  /** 201 `{token, expireAt, expireIn}`, or a Docker `config.json` with `docker-config=true`. */
  @Post()
  @HttpCode(201)
  async create(@CurrentPrincipal() actor: Principal, @Query() query: unknown) {
    const { ttl, 'docker-config': asDockerConfig } = selectelInput(CreateV1TokenQuery, query, 'query parameter');
    const { secret, expiresAt } = await this.services.call(SelectelV1TokenRpc.create, { actor, ttl });
    return asDockerConfig === 'true' ? dockerConfig(this.registryHost, secret) : { token: secret, ...v1Expiry(expiresAt) };
  }

  @Get(':token')
  async get(@CurrentPrincipal() actor: Principal, @Param('token') secret: string) {
    const { expiresAt } = await this.services.call(SelectelV1TokenRpc.get, { actor, secret });
    return v1Expiry(expiresAt);
  }

  /** The token's lifetime again from now; the token stays the same. */
  @Post(':token/refresh')
  @HttpCode(200)
  async refresh(@CurrentPrincipal() actor: Principal, @Param('token') secret: string) {
    const { expiresAt } = await this.services.call(SelectelV1TokenRpc.refresh, { actor, secret });
    return { token: secret, ...v1Expiry(expiresAt) };
  }

  @Delete(':token')
  @HttpCode(204)
  async revoke(@CurrentPrincipal() actor: Principal, @Param('token') secret: string): Promise<void> {
    await this.services.call(SelectelV1TokenRpc.revoke, { actor, secret });
  }
}
