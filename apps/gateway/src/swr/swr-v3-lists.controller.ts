import { Controller, Get, Inject, Param, UseGuards } from '@nestjs/common';
import { RepositoryManagementRpc } from '@wharf/contracts/catalog';
import type { Principal } from '@wharf/contracts/identity';
import { WHARF_CONFIG, type WharfConfig } from '@wharf/platform';
import type { ServiceClient } from '@wharf/transport';
import { z } from 'zod';
import { AuthenticatedGuard } from '../auth/authenticated.guard';
import { CurrentPrincipal } from '../auth/principal.decorator';
import { ApiRoutes } from '../openapi/dialects';
import { ValidQuery } from '../openapi/input';
import { Returns } from '../openapi/responses';
import { SERVICES } from '../services';
import { swrInvalid } from './swr-errors';
import { once, repositoryFromPath, requiredSwrSharedSide, swrChoice, swrInteger, swrQueryBool } from './swr-query';
import { SwrShapes, SwrTag, SwrV3Repository } from './swr-shapes';

const rpc = RepositoryManagementRpc;

/** The v3 lists' parameters are plain (no `filter`), typed integers in SDK-GO, and each may be given once. */
const Limit = swrInteger('limit', 1, 1000).default('100').describe('1-1000, 100 by default');
const RepositoryMarker = swrInteger('marker', 0, Number.MAX_SAFE_INTEGER).default('0').describe("The last id of the previous page (its nextMarker)");
/** An empty text is no criterion. */
const Text = (description: string) =>
  once
    .optional()
    .transform((value) => (value === '' ? undefined : value))
    .describe(description);

const RepositoriesQuery = z.object({
  namespace: Text('The organization (exact)'),
  name: Text('A part of the repository name'),
  category: once.optional(),
  is_public: swrQueryBool('is_public').optional(),
  limit: Limit,
  marker: RepositoryMarker,
});

const SharedRepositoriesQuery = z.object({
  shared_by: requiredSwrSharedSide('shared_by').describe('self: what the account shares out; thirdparty: what is shared with it'),
  namespace: Text('The organization (exact)'),
  name: Text('A part of the repository name'),
  status: swrQueryBool('status').optional().describe('true while a share is valid'),
  limit: Limit,
  marker: RepositoryMarker,
});

const TagsQuery = z.object({
  order_column: swrChoice('order_column', ['updated_at', 'tag'], 'updated_at or tag').default('updated_at'),
  order_type: swrChoice('order_type', ['asc', 'desc'], 'asc or desc').default('desc'),
  with_manifest: swrQueryBool('with_manifest').optional().describe('Include each manifest text'),
  tag: once.optional().describe('Tags containing this text'),
  limit: Limit,
  marker: once.default('').describe("The previous page's nextMarker"),
});

const RepositoriesPage = z.object({ repos: z.array(SwrV3Repository), nextMarker: z.number().int().optional().describe('Present while more follow') });
const TagsPage = z.object({ tags: z.array(SwrTag), nextMarker: z.string(), has_more: z.boolean() });

/**
 * SWR's v3 list APIs (§1.2.4, SDK-GO only): marker paging in place of offsets. Repository markers are the
 * repositories' integer ids; the tag marker is an opaque string. `nextMarker` is present while more follow.
 * `namespace` matches exactly and `name` as a substring, the way the v2 list's plain and filter forms do.
 */
@Controller('v3/manage')
@UseGuards(AuthenticatedGuard)
@ApiRoutes('swr', 'SWR: v3 lists')
export class SwrV3ListsController {
  private readonly shapes: SwrShapes;

  constructor(
    @Inject(SERVICES) private readonly services: ServiceClient,
    @Inject(WHARF_CONFIG) config: WharfConfig,
  ) {
    this.shapes = new SwrShapes(new URL(config.publicRegistryUrl).host);
  }

  @Get('repos')
  @Returns(200, RepositoriesPage)
  async repositories(
    @CurrentPrincipal() actor: Principal,
    @ValidQuery(RepositoriesQuery, swrInvalid('Invalid API parameters')) query: z.output<typeof RepositoriesQuery>,
  ): Promise<z.input<typeof RepositoriesPage>> {
    const { repositories, nextMarker } = await this.services.call(rpc.search, {
      actor,
      ...(query.namespace !== undefined ? { namespace: { value: query.namespace, fuzzy: false } } : {}),
      ...(query.name !== undefined ? { name: { value: query.name, fuzzy: true } } : {}),
      ...(query.category !== undefined ? { category: query.category } : {}),
      ...(query.is_public !== undefined ? { isPublic: query.is_public } : {}),
      offset: 0,
      limit: query.limit,
      orderBy: 'id',
      direction: 'asc',
      afterId: query.marker,
    });
    return { repos: repositories.map((r) => this.shapes.v3Repository(r, actor.accountName)), ...(nextMarker !== undefined ? { nextMarker } : {}) };
  }

  @Get('shared-repositories')
  @Returns(200, RepositoriesPage)
  async sharedRepositories(
    @CurrentPrincipal() actor: Principal,
    @ValidQuery(SharedRepositoriesQuery, swrInvalid('Invalid API parameters')) query: z.output<typeof SharedRepositoriesQuery>,
  ): Promise<z.input<typeof RepositoriesPage>> {
    const { repositories, nextMarker } = await this.services.call(rpc.searchShared, {
      actor,
      side: query.shared_by,
      ...(query.namespace !== undefined ? { namespace: { value: query.namespace, fuzzy: false } } : {}),
      ...(query.name !== undefined ? { name: { value: query.name, fuzzy: true } } : {}),
      ...(query.status !== undefined ? { valid: query.status } : {}),
      offset: 0,
      limit: query.limit,
      orderBy: 'id',
      direction: 'asc',
      afterId: query.marker,
    });
    return { repos: repositories.map((r) => this.shapes.v3Repository(r, r.ownerAccountName, r.shareValid)), ...(nextMarker !== undefined ? { nextMarker } : {}) };
  }

  /** Items spell the key `tag` (lowercase) and carry no `deleted`/`scanned`; the manifest text only with `with_manifest`. */
  @Get('namespaces/:namespace/repos/:repository/tags')
  @Returns(200, TagsPage)
  async tags(
    @CurrentPrincipal() actor: Principal,
    @Param('namespace') namespace: string,
    @Param('repository') repository: string,
    @ValidQuery(TagsQuery, swrInvalid('Invalid API parameters')) query: z.output<typeof TagsQuery>,
  ): Promise<z.input<typeof TagsPage>> {
    const name = repositoryFromPath(repository);
    const { tags, nextMarker } = await this.services.call(rpc.listTags, {
      actor,
      namespace,
      repository: name,
      ...(query.tag !== undefined ? { tag: query.tag } : {}),
      offset: 0,
      limit: query.limit,
      orderBy: query.order_column === 'tag' ? 'tag' : 'updatedAt',
      direction: query.order_type,
      marker: query.marker,
    });
    return {
      tags: tags.map((t) => {
        const shape = this.shapes.tag(t, namespace, name);
        return query.with_manifest ? shape : { ...shape, manifest: '' };
      }),
      nextMarker: nextMarker ?? '',
      has_more: nextMarker !== undefined,
    };
  }
}
