import { Controller, HttpCode, Inject, Post, UseGuards } from '@nestjs/common';
import type { Principal } from '@wharf/contracts/identity';
import { CleanupDeleted, CleanupFailed, ContentDigest, LifecycleRpc, MAX_CLEANUP_ITEMS } from '@wharf/contracts/lifecycle';
import type { ServiceClient } from '@wharf/transport';
import { z } from 'zod';
import { AuthenticatedGuard } from '../auth/authenticated.guard';
import { CurrentPrincipal } from '../auth/principal.decorator';
import { ApiRoutes } from '../openapi/dialects';
import { ValidBody, ValidParam } from '../openapi/input';
import { Returns } from '../openapi/responses';
import { SERVICES } from '../services';
import { selectelInvalid } from './selectel-errors';
import { RegistryId, RepositoryName } from './selectel-query';

const invalid = selectelInvalid();

const NOT_AN_OBJECT = 'The body must be a JSON object: {"digests": [...], "tags": [...], "disable_gc": false}';
const CleanupBody = z
  .object(
    {
      digests: z.array(ContentDigest).max(MAX_CLEANUP_ITEMS).default([]).describe('Images to delete, by digest, with their tags'),
      tags: z.array(z.string().min(1).max(128)).max(MAX_CLEANUP_ITEMS).default([]).describe('Tags to remove'),
      disable_gc: z.boolean().default(false).describe('Skip the garbage collection that otherwise follows'),
    },
    { required_error: NOT_AN_OBJECT, invalid_type_error: NOT_AN_OBJECT },
  )
  .refine(({ digests, tags }) => digests.length > 0 || tags.length > 0, 'Name at least one digest or tag to remove');

/** An entry's `tags` are left out when empty. */
const Entry = <T extends z.ZodRawShape>(shape: z.ZodObject<T>) => shape.extend({ tags: z.array(z.string()).optional() });
const CleanupAnswer = z.object({ deleted: z.array(Entry(CleanupDeleted)), failed: z.array(Entry(CleanupFailed)) });

/**
 * Selectel's repository cleanup. 200 with `{deleted, failed}` (an entry's `tags` left out when empty): each
 * listed image (digest) is deleted with its tags unless an index still lists it, each listed tag is removed,
 * and whatever cannot go is in `failed` with the reason. With `disable_gc: false` (the default) a garbage
 * collection of the registry follows; if one is already running, the new one is queued to start when it ends.
 */
@Controller('api/v1/registries/:id/repositories/:name/cleanup')
@UseGuards(AuthenticatedGuard)
@ApiRoutes('selectel', 'Selectel: garbage collection')
export class SelectelCleanupController {
  constructor(@Inject(SERVICES) private readonly services: ServiceClient) {}

  @Post()
  @HttpCode(200)
  @Returns(200, CleanupAnswer, { description: 'What was deleted and what could not be, with the reason' })
  async cleanup(
    @CurrentPrincipal() actor: Principal,
    @ValidParam('id', RegistryId, invalid) registryId: string,
    @ValidParam('name', RepositoryName, invalid) repository: string,
    @ValidBody(CleanupBody, invalid) { digests, tags, disable_gc }: z.output<typeof CleanupBody>,
  ): Promise<z.input<typeof CleanupAnswer>> {
    const report = await this.services.call(LifecycleRpc.cleanupRepository, { actor, registryId, repository, digests, tags, collect: !disable_gc });
    const entry = <T extends { tags: string[] }>({ tags: entryTags, ...rest }: T) => ({ ...rest, ...(entryTags.length > 0 ? { tags: entryTags } : {}) });
    return { deleted: report.deleted.map(entry), failed: report.failed.map(entry) };
  }
}
