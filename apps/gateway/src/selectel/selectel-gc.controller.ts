import { Controller, Get, HttpCode, Inject, Param, Post, Query, UseGuards } from '@nestjs/common';
import type { Principal } from '@wharf/contracts/identity';
import { LifecycleRpc, type GarbageSize, type GcRun } from '@wharf/contracts/lifecycle';
import type { ServiceClient } from '@wharf/transport';
import { AuthenticatedGuard } from '../auth/authenticated.guard';
import { CurrentPrincipal } from '../auth/principal.decorator';
import { SERVICES } from '../services';
import { booleanParam, parseSelectelPage, queryParam, registryIdParam } from './selectel-query';

/**
 * Selectel's garbage collection of a registry. Unlike Selectel's, a run here is online: pulls and pushes go on
 * while it runs (the registry shows GARBAGE_COLLECTION meanwhile), and nothing linked or pushed within the grace
 * window (WHARF_GC_GRACE_SECONDS) or after the run started is collected.
 */
@Controller('api/v1/registries/:id/garbage-collection')
@UseGuards(AuthenticatedGuard)
export class SelectelGcController {
  constructor(@Inject(SERVICES) private readonly services: ServiceClient) {}

  /** What a run started now would free: `sizeNonReferenced` + `sizeUntagged` (with delete-untagged) = `sizeSummary`. */
  @Get('size')
  size(@CurrentPrincipal() actor: Principal, @Param('id') id: string): Promise<GarbageSize> {
    return this.services.call(LifecycleRpc.garbageSize, { actor, registryId: registryIdParam(id) });
  }

  /** 201 with no body once the run is under way in the background; 409 while one already runs. Needs manage (7). */
  @Post()
  @HttpCode(201)
  async start(@CurrentPrincipal() actor: Principal, @Param('id') id: string, @Query() query: Record<string, unknown>): Promise<void> {
    const deleteUntagged = booleanParam('delete-untagged', queryParam(query, 'delete-untagged'));
    await this.services.call(LifecycleRpc.startGarbageCollection, { actor, registryId: registryIdParam(id), deleteUntagged });
  }

  /**
   * Wharf's addition: the registry's runs, newest first (`limit`, default 20, at most 100), with what each
   * freed, so a client can follow a run it started.
   */
  @Get()
  async runs(@CurrentPrincipal() actor: Principal, @Param('id') id: string, @Query() query: Record<string, unknown>): Promise<{ runs: GcRun[] }> {
    const { limit } = parseSelectelPage({ limit: queryParam(query, 'limit') }, 100);
    return this.services.call(LifecycleRpc.garbageCollections, { actor, registryId: registryIdParam(id), limit: limit ?? 20 });
  }
}
