import { Controller, Delete, Get, HttpCode, Inject, Post, Res, UseGuards } from '@nestjs/common';
import { Registry, RegistryRpc, RegistrySortField } from '@wharf/contracts/catalog';
import type { Principal } from '@wharf/contracts/identity';
import { LifecycleRpc } from '@wharf/contracts/lifecycle';
import type { ServiceClient } from '@wharf/transport';
import type { Response } from 'express';
import { AuthenticatedGuard } from '../auth/authenticated.guard';
import { CurrentPrincipal } from '../auth/principal.decorator';
import { z } from 'zod';
import { ApiRoutes } from '../openapi/dialects';
import { ValidBody, ValidParam, ValidQuery } from '../openapi/input';
import { Returns } from '../openapi/responses';
import { SERVICES } from '../services';
import { selectelInvalid } from './selectel-errors';
import { RegistryId, selectelListQuery } from './selectel-query';

const RegistriesQuery = selectelListQuery({ sortFields: RegistrySortField.options });
type RegistriesQuery = z.output<typeof RegistriesQuery>;

const CreateRegistryBody = z.object({ name: z.string().describe('The registry name (an SWR organization name)') });
const createInvalid = selectelInvalid({ message: 'The body must be a JSON object with the registry name as a string: {"name": "..."}' });

/**
 * Selectel registries (Container Registry API v2.2): `/api/v1/registries` lists as a bare array (204 with no
 * body when the page is empty, as the reference describes), `/api/v2/registries` as `{registries, totalCount}`
 * (never 204). A registry is an SWR organization: both dialects see the same namespaces.
 */
@Controller('api')
@UseGuards(AuthenticatedGuard)
@ApiRoutes('selectel', 'Selectel: registries')
export class SelectelRegistriesController {
  constructor(@Inject(SERVICES) private readonly services: ServiceClient) {}

  private async list(actor: Principal, { limit, offset, search, sortField, sortType }: RegistriesQuery) {
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
  @Returns(200, z.array(Registry))
  @Returns(204, undefined, { description: 'No registry on this page' })
  async listV1(
    @CurrentPrincipal() actor: Principal,
    @ValidQuery(RegistriesQuery, selectelInvalid()) query: RegistriesQuery,
    @Res({ passthrough: true }) response: Response,
  ): Promise<Registry[] | undefined> {
    const { registries } = await this.list(actor, query);
    if (registries.length > 0) return registries;
    response.status(204);
    return undefined;
  }

  @Get('v2/registries')
  @Returns(200, z.object({ registries: z.array(Registry), totalCount: z.number().int() }))
  async listV2(@CurrentPrincipal() actor: Principal, @ValidQuery(RegistriesQuery, selectelInvalid()) query: RegistriesQuery) {
    const { registries, totalCount } = await this.list(actor, query);
    return { registries, totalCount };
  }

  @Post('v1/registries')
  @HttpCode(201)
  @Returns(201, Registry)
  async create(@CurrentPrincipal() actor: Principal, @ValidBody(CreateRegistryBody, createInvalid) { name }: z.output<typeof CreateRegistryBody>): Promise<Registry> {
    return (await this.services.call(RegistryRpc.create, { actor, name })).registry;
  }

  @Get('v1/registries/:id')
  @Returns(200, Registry)
  async get(@CurrentPrincipal() actor: Principal, @ValidParam('id', RegistryId, selectelInvalid()) registryId: string): Promise<Registry> {
    const { registry } = await this.services.call(RegistryRpc.get, { actor, registryId });
    const [shown] = await this.withCollectionStatus([registry]);
    return shown!;
  }

  /** Deletes the registry with its repositories; answers once they are gone (the registry shows DELETING meanwhile). */
  @Delete('v1/registries/:id')
  @HttpCode(204)
  @Returns(204, undefined, { description: 'The registry and its repositories are gone' })
  async delete(@CurrentPrincipal() actor: Principal, @ValidParam('id', RegistryId, selectelInvalid()) registryId: string): Promise<void> {
    await this.services.call(RegistryRpc.delete, { actor, registryId });
  }
}
