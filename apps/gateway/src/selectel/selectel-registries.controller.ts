import { Body, Controller, Delete, Get, HttpCode, Inject, Param, Post, Query, Res, UseGuards } from '@nestjs/common';
import { RegistryRpc, RegistrySortField, type Registry } from '@wharf/contracts/catalog';
import type { Principal } from '@wharf/contracts/identity';
import { LifecycleRpc } from '@wharf/contracts/lifecycle';
import type { ServiceClient } from '@wharf/transport';
import type { Response } from 'express';
import { AuthenticatedGuard } from '../auth/authenticated.guard';
import { CurrentPrincipal } from '../auth/principal.decorator';
import { SERVICES } from '../services';
import { SelectelInputError } from './selectel-errors';
import { parseSelectelList, registryIdParam } from './selectel-query';

const sortFields = RegistrySortField.options;

/**
 * Selectel registries (Container Registry API v2.2): `/api/v1/registries` lists as a bare array (204 with no
 * body when the page is empty, as the reference describes), `/api/v2/registries` as `{registries, totalCount}`
 * (never 204). A registry is an SWR organization: both dialects see the same namespaces.
 */
@Controller('api')
@UseGuards(AuthenticatedGuard)
export class SelectelRegistriesController {
  constructor(@Inject(SERVICES) private readonly services: ServiceClient) {}

  private async list(actor: Principal, query: unknown) {
    const { limit, offset, search, sortField, sortType } = parseSelectelList(query, { sortFields });
    const listed = await this.services.call(RegistryRpc.list, { actor, limit, offset, ...(search ? { search } : {}), sortField, sortType });
    return { ...listed, registries: await this.withCollectionStatus(listed.registries) };
  }

  /** An active registry shows GARBAGE_COLLECTION while lifecycle runs a garbage collection of it. */
  private async withCollectionStatus(registries: Registry[]): Promise<Registry[]> {
    const active = registries.filter((registry) => registry.status === 'ACTIVE').map((registry) => registry.name);
    if (active.length === 0) return registries;
    const collecting = new Set((await this.services.call(LifecycleRpc.collecting, { namespaces: active })).namespaces);
    return registries.map((registry) => (registry.status === 'ACTIVE' && collecting.has(registry.name) ? { ...registry, status: 'GARBAGE_COLLECTION' } : registry));
  }

  @Get('v1/registries')
  async listV1(@CurrentPrincipal() actor: Principal, @Query() query: unknown, @Res({ passthrough: true }) response: Response): Promise<Registry[] | undefined> {
    const { registries } = await this.list(actor, query);
    if (registries.length > 0) return registries;
    response.status(204);
    return undefined;
  }

  @Get('v2/registries')
  async listV2(@CurrentPrincipal() actor: Principal, @Query() query: unknown) {
    const { registries, totalCount } = await this.list(actor, query);
    return { registries, totalCount };
  }

  @Post('v1/registries')
  @HttpCode(201)
  async create(@CurrentPrincipal() actor: Principal, @Body() body: unknown): Promise<Registry> {
    const name = (body as { name?: unknown } | undefined)?.name;
    if (typeof body !== 'object' || body === null || Array.isArray(body) || typeof name !== 'string') {
      throw new SelectelInputError(400, 'The body must be a JSON object with the registry name as a string: {"name": "..."}');
    }
    return (await this.services.call(RegistryRpc.create, { actor, name })).registry;
  }

  @Get('v1/registries/:id')
  async get(@CurrentPrincipal() actor: Principal, @Param('id') id: string): Promise<Registry> {
    const { registry } = await this.services.call(RegistryRpc.get, { actor, registryId: registryIdParam(id) });
    const [shown] = await this.withCollectionStatus([registry]);
    return shown!;
  }

  /** Deletes the registry with its repositories; answers once they are gone (the registry shows DELETING meanwhile). */
  @Delete('v1/registries/:id')
  @HttpCode(204)
  async delete(@CurrentPrincipal() actor: Principal, @Param('id') id: string): Promise<void> {
    await this.services.call(RegistryRpc.delete, { actor, registryId: registryIdParam(id) });
  }
}
