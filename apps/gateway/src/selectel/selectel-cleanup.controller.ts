import { Body, Controller, HttpCode, Inject, Param, Post, UseGuards } from '@nestjs/common';
import type { Principal } from '@wharf/contracts/identity';
import { ContentDigest, LifecycleRpc, MAX_CLEANUP_ITEMS } from '@wharf/contracts/lifecycle';
import type { ServiceClient } from '@wharf/transport';
import { z } from 'zod';
import { AuthenticatedGuard } from '../auth/authenticated.guard';
import { CurrentPrincipal } from '../auth/principal.decorator';
import { SERVICES } from '../services';
import { SelectelInputError } from './selectel-errors';
import { registryIdParam, repositoryParam } from './selectel-query';

const CleanupBody = z.object({
  digests: z.array(ContentDigest).max(MAX_CLEANUP_ITEMS).default([]),
  tags: z.array(z.string().min(1).max(128)).max(MAX_CLEANUP_ITEMS).default([]),
  disable_gc: z.boolean().default(false),
});

const parseBody = (body: unknown): z.output<typeof CleanupBody> => {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new SelectelInputError(400, 'The body must be a JSON object: {"digests": [...], "tags": [...], "disable_gc": false}');
  }
  const parsed = CleanupBody.safeParse(body);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new SelectelInputError(400, `${issue.path.join('.') || 'body'}: ${issue.message}`);
  }
  if (parsed.data.digests.length === 0 && parsed.data.tags.length === 0) throw new SelectelInputError(400, 'Name at least one digest or tag to remove');
  return parsed.data;
};

/**
 * Selectel's repository cleanup. 200 with `{deleted, failed}` (an entry's `tags` left out when empty): each
 * listed image (digest) is deleted with its tags unless an index still lists it, each listed tag is removed,
 * and whatever cannot go is in `failed` with the reason. With `disable_gc: false` (the default) a garbage
 * collection of the registry follows; if one is already running, the new one is queued to start when it ends.
 */
@Controller('api/v1/registries/:id/repositories/:name/cleanup')
@UseGuards(AuthenticatedGuard)
export class SelectelCleanupController {
  constructor(@Inject(SERVICES) private readonly services: ServiceClient) {}

  @Post()
  @HttpCode(200)
  async cleanup(@CurrentPrincipal() actor: Principal, @Param('id') id: string, @Param('name') name: string, @Body() body: unknown) {
    const registryId = registryIdParam(id);
    const repository = repositoryParam(name);
    const { digests, tags, disable_gc } = parseBody(body);
    const report = await this.services.call(LifecycleRpc.cleanupRepository, { actor, registryId, repository, digests, tags, collect: !disable_gc });
    const entry = <T extends { tags: string[] }>({ tags: entryTags, ...rest }: T) => ({ ...rest, ...(entryTags.length > 0 ? { tags: entryTags } : {}) });
    return { deleted: report.deleted.map(entry), failed: report.failed.map(entry) };
  }
}
