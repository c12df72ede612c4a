import { Controller, Get, HttpCode, Inject, Post, UseGuards } from '@nestjs/common';
import type { Principal } from '@wharf/contracts/identity';
import { GarbageSize, GcRun, LifecycleRpc } from '@wharf/contracts/lifecycle';
import type { ServiceClient } from '@wharf/transport';
import { AuthenticatedGuard } from '../auth/authenticated.guard';
import { CurrentPrincipal } from '../auth/principal.decorator';
import { z } from 'zod';
import { ApiRoutes } from '../openapi/dialects';
import { ValidParam, ValidQuery } from '../openapi/input';
import { Returns } from '../openapi/responses';
import { SERVICES } from '../services';
import { SelectelErrorBody, selectelInvalid } from './selectel-errors';
import { RegistryId, selectelBoolean, selectelInteger } from './selectel-query';

const invalid = selectelInvalid();
const StartQuery = z.object({ 'delete-untagged': selectelBoolean('delete-untagged').describe('Also collect images no tag names') });
const RunsQuery = z.object({ limit: selectelInteger('limit', 1, 100).default('20').describe('1-100, 20 by default') });

/**
 * Selectel's garbage collection of a registry. Unlike Selectel's, a run here is online: pulls and pushes go on
 * while it runs (the registry shows GARBAGE_COLLECTION meanwhile), and nothing linked or pushed within the grace
 * window (WHARF_GC_GRACE_SECONDS) or after the run started is collected.
 */
@Controller('api/v1/registries/:id/garbage-collection')
@UseGuards(AuthenticatedGuard)
@ApiRoutes('selectel', 'Selectel: garbage collection')
export class SelectelGcController {
  constructor(@Inject(SERVICES) private readonly services: ServiceClient) {}

  /** What a run started now would free: `sizeNonReferenced` + `sizeUntagged` (with delete-untagged) = `sizeSummary`. */
  @Get('size')
  @Returns(200, GarbageSize)
  size(@CurrentPrincipal() actor: Principal, @ValidParam('id', RegistryId, invalid) registryId: string): Promise<GarbageSize> {
    return this.services.call(LifecycleRpc.garbageSize, { actor, registryId });
  }

  /** 201 with no body once the run is under way in the background; 409 while one already runs. Needs manage (7). */
  @Post()
  @HttpCode(201)
  @Returns(201, undefined, { description: 'The run is under way' })
  @Returns(409, SelectelErrorBody, { description: 'A run is already under way' })
  async start(
    @CurrentPrincipal() actor: Principal,
    // The query is checked before the path, as it always was.
    @ValidQuery(StartQuery, invalid) query: z.output<typeof StartQuery>,
    @ValidParam('id', RegistryId, invalid) registryId: string,
  ): Promise<void> {
    await this.services.call(LifecycleRpc.startGarbageCollection, { actor, registryId, deleteUntagged: query['delete-untagged'] });
  }

  /**
   * Wharf's addition: the registry's runs, newest first (`limit`, default 20, at most 100), with what each
   * freed, so a client can follow a run it started.
   */
  @Get()
  @Returns(200, z.object({ runs: z.array(GcRun) }))
  async runs(
    @CurrentPrincipal() actor: Principal,
    @ValidQuery(RunsQuery, invalid) { limit }: z.output<typeof RunsQuery>,
    @ValidParam('id', RegistryId, invalid) registryId: string,
  ): Promise<{ runs: GcRun[] }> {
    return this.services.call(LifecycleRpc.garbageCollections, { actor, registryId, limit });
  }
}
