import { Controller, Delete, Get, HttpCode, Inject, Param, Post, UseGuards } from '@nestjs/common';
import { SelectelV1TokenRpc, type Principal } from '@wharf/contracts/identity';
import { WHARF_CONFIG, type WharfConfig } from '@wharf/platform';
import type { ServiceClient } from '@wharf/transport';
import { AuthenticatedGuard } from '../auth/authenticated.guard';
import { CurrentPrincipal } from '../auth/principal.decorator';
import { z } from 'zod';
import { ApiRoutes } from '../openapi/dialects';
import { ValidQuery } from '../openapi/input';
import { Returns } from '../openapi/responses';
import { SERVICES } from '../services';
import { CreateV1TokenQuery, DockerConfig, dockerConfig, invalidQuery, V1Expiry, v1Expiry } from './selectel-tokens.wire';

const V1Token = V1Expiry.extend({ token: z.string() });

/**
 * Selectel tokens v1 (`/api/v1/token`, singular): read-write on every registry of the account, for `12h` or
 * `1y`; the token itself is the path parameter that names it.
 */
@Controller('api/v1/token')
@UseGuards(AuthenticatedGuard)
@ApiRoutes('selectel', 'Selectel: tokens v1')
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
  @Returns(201, z.union([V1Token, DockerConfig]), { description: 'The token, or a Docker config.json with docker-config=true' })
  async create(@CurrentPrincipal() actor: Principal, @ValidQuery(CreateV1TokenQuery, invalidQuery) { ttl, 'docker-config': asDockerConfig }: z.output<typeof CreateV1TokenQuery>) {
    const { secret, expiresAt } = await this.services.call(SelectelV1TokenRpc.create, { actor, ttl });
    return asDockerConfig === 'true' ? dockerConfig(this.registryHost, secret) : { token: secret, ...v1Expiry(expiresAt) };
  }

  @Get(':token')
  @Returns(200, V1Expiry)
  async get(@CurrentPrincipal() actor: Principal, @Param('token') secret: string) {
    const { expiresAt } = await this.services.call(SelectelV1TokenRpc.get, { actor, secret });
    return v1Expiry(expiresAt);
  }

  /** The token's lifetime again from now; the token stays the same. */
  @Post(':token/refresh')
  @HttpCode(200)
  @Returns(200, V1Token)
  async refresh(@CurrentPrincipal() actor: Principal, @Param('token') secret: string) {
    const { expiresAt } = await this.services.call(SelectelV1TokenRpc.refresh, { actor, secret });
    return { token: secret, ...v1Expiry(expiresAt) };
  }

  @Delete(':token')
  @HttpCode(204)
  @Returns(204, undefined, { description: 'The token is revoked' })
  async revoke(@CurrentPrincipal() actor: Principal, @Param('token') secret: string): Promise<void> {
    await this.services.call(SelectelV1TokenRpc.revoke, { actor, secret });
  }
}
