import { Body, Controller, Delete, Get, HttpCode, Inject, Param, Patch, Post, Query, Res, UseGuards } from '@nestjs/common';
import { RepositoryManagementRpc } from '@wharf/contracts/catalog';
import type { Principal } from '@wharf/contracts/identity';
import { WHARF_CONFIG, type WharfConfig } from '@wharf/platform';
import type { ServiceClient } from '@wharf/transport';
import type { Response } from 'express';
import { z } from 'zod';
import { AuthenticatedGuard } from '../auth/authenticated.guard';
import { CurrentPrincipal } from '../auth/principal.decorator';
import { ApiRoutes } from '../openapi/dialects';
import { DocumentedInput, ValidBody, ValidQuery } from '../openapi/input';
import { documentedAs } from '../openapi/json-schema';
import { Returns } from '../openapi/responses';
import { SERVICES } from '../services';
import { parseInput } from '../validation';
import { swrInvalid, swrRule } from './swr-errors';
import { contentRange, repositoryFromPath, swrBool, swrListQuery, swrSharedSide } from './swr-query';
import { SwrRepositoryItem, SwrRepositorySummary, SwrShapes, SwrTag, SwrV2Tag } from './swr-shapes';

const rpc = RepositoryManagementRpc;

/** SWR's categories; SDK-GO spells the last one `arms`, every document `arm`: both are accepted, `arm` is stored. */
const CATEGORIES = ['app_server', 'linux', 'framework_app', 'database', 'lang', 'other', 'windows', 'arm'];
const MAX_DESCRIPTION = 30000;
const MAX_NAME = 128;
const REPOSITORY_NAME = /^[a-z0-9]+(?:(?:[._]|__|-+|\/)[a-z0-9]+)*$/;

/** A string field, or 4000014 naming it. */
const text = (name: string) =>
  documentedAs(z.custom<string>((value) => typeof value === 'string', swrRule('SVCSTG.SWR.4000014', `Invalid API parameters: ${name} must be a string`)), { type: 'string' });

/** A repository's settings, in a create or an update. */
const Settings = {
  category: text('category')
    .transform((category) => (category === 'arms' ? 'arm' : category))
    .refine(
      (category) => CATEGORIES.includes(category),
      (category) => swrRule('SVCSTG.SWR.4000014', `Invalid API parameters: category must be one of ${CATEGORIES.join(', ')}`, category),
    )
    .optional()
    .describe(`One of ${CATEGORIES.join(', ')} (or arms)`),
  description: text('description')
    .refine((description) => description.length <= MAX_DESCRIPTION, swrRule('SVCSTG.SWR.4131012', 'The description exceeds the maximum length allowed.'))
    .optional()
    .describe(`At most ${MAX_DESCRIPTION} characters`),
  is_public: swrBool('is_public').describe('true or false (also as a string)'),
};

const RepositorySettings = z.object(Settings);

const CreateRepository = z.object({
  repository: documentedAs(
    z.custom<string | undefined>((value) => value === undefined || typeof value === 'string', swrRule('SVCSTG.SWR.4000014', 'Invalid API parameters: repository must be a string')).refine(
      (name): name is string => name !== undefined && name.length > 0 && name.length <= MAX_NAME && REPOSITORY_NAME.test(name),
      (name) => swrRule('SVCSTG.SWR.4001029', 'Invalid image name.', name ?? ''),
    ),
    { type: 'string', pattern: REPOSITORY_NAME.source, maxLength: MAX_NAME },
  ).describe('The repository name: lowercase words joined by . _ __ - or /'),
  ...Settings,
});

const objectOf = (value: unknown): Record<string, unknown> => (typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {});

/** A body that is not an object counts as an empty one (then `is_public` is missing). */
const UpdateRepositoryBody = z.preprocess(objectOf, RepositorySettings);

const queryText = z.string().optional();
const ListRepositoriesQuery = swrListQuery(['name', 'updated_time', 'updated_at', 'tag_count', 'namespace', 'is_public'], {
  namespace: queryText.describe('The organization (exact; a substring in filter)'),
  name: queryText.describe('The repository name (exact; a substring in filter)'),
  category: queryText,
  is_public: swrBool('is_public').optional(),
});
const ListSharedQuery = swrListQuery(['updated_at', 'updated_time', 'name', 'tag_count', 'namespace', 'domain_name'], {
  center: swrSharedSide('center').optional().describe('self: what the account shares out; thirdparty: what is shared with it; both when absent'),
  namespace: queryText,
  name: queryText,
  domain_name: queryText.describe('The owning account'),
  status: swrBool('status').optional().describe('true while a share is valid'),
});
const ListTagsQuery = swrListQuery(['updated_at', 'tag'], { tag: queryText.describe('Tags containing this text') });

const pagedHeaders = { 'Content-Range': '{offset}-{count on this page}/{total}, when offset and limit are given' };

/** SWR image repositories and tags (§1.2.3, §1.2.5). */
@Controller('v2/manage')
@UseGuards(AuthenticatedGuard)
@ApiRoutes('swr', 'SWR: repositories and tags')
export class SwrRepositoriesController {
  private readonly shapes: SwrShapes;

  constructor(
    @Inject(SERVICES) private readonly services: ServiceClient,
    @Inject(WHARF_CONFIG) config: WharfConfig,
  ) {
    this.shapes = new SwrShapes(new URL(config.publicRegistryUrl).host);
  }

  /**
   * Both forms exist: the documented JSON body and the query-string form of the API's own walkthrough.
   * Answers 201 with `{}`: OTC 2025 says 200, older pages 201; a client checking either accepts 2xx.
   */
  @Post('namespaces/:namespace/repos')
  @HttpCode(201)
  @DocumentedInput({ body: CreateRepository, query: CreateRepository, description: 'In the JSON body, or else in the query string' })
  @Returns(201, z.object({}))
  async create(@CurrentPrincipal() actor: Principal, @Param('namespace') namespace: string, @Body() body: unknown, @Query() query: Record<string, unknown>) {
    const input = objectOf(body).repository !== undefined ? objectOf(body) : query;
    const { repository, category, description, is_public } = parseInput(CreateRepository, input, swrInvalid());
    await this.services.call(rpc.create, { actor, namespace, repository, ...(category !== undefined ? { category } : {}), ...(description !== undefined ? { description } : {}), isPublic: is_public });
    return {};
  }

  @Get('namespaces/:namespace/repos/:repository')
  @Returns(200, SwrRepositorySummary)
  async get(@CurrentPrincipal() actor: Principal, @Param('namespace') namespace: string, @Param('repository') repository: string) {
    const { repository: summary } = await this.services.call(rpc.get, { actor, namespace, repository: repositoryFromPath(repository) });
    return this.shapes.summary(summary);
  }

  @Patch('namespaces/:namespace/repos/:repository')
  @HttpCode(201)
  @Returns(201, z.object({}))
  async update(
    @CurrentPrincipal() actor: Principal,
    @Param('namespace') namespace: string,
    @Param('repository') repository: string,
    @ValidBody(UpdateRepositoryBody, swrInvalid()) { category, description, is_public }: z.output<typeof UpdateRepositoryBody>,
  ) {
    await this.services.call(rpc.update, {
      actor,
      namespace,
      repository: repositoryFromPath(repository),
      ...(category !== undefined ? { category } : {}),
      ...(description !== undefined ? { description } : {}),
      isPublic: is_public,
    });
    return {};
  }

  @Delete('namespaces/:namespace/repos/:repository')
  @HttpCode(204)
  @Returns(204, undefined, { description: 'The repository, its tags and permissions are gone' })
  async delete(@CurrentPrincipal() actor: Principal, @Param('namespace') namespace: string, @Param('repository') repository: string): Promise<void> {
    await this.services.call(rpc.delete, { actor, namespace, repository: repositoryFromPath(repository) });
  }

  /** A bare JSON array with `Content-Range` when paged. */
  @Get('repos')
  @Returns(200, z.array(SwrRepositoryItem), { headers: pagedHeaders })
  async list(
    @CurrentPrincipal() actor: Principal,
    @ValidQuery(ListRepositoriesQuery, swrInvalid('Invalid API parameters')) query: z.output<typeof ListRepositoriesQuery>,
    @Res({ passthrough: true }) response: Response,
  ) {
    const text = (value: string | undefined) => (value === undefined ? undefined : { value, fuzzy: query.fuzzy });
    const [namespace, name] = [text(query.namespace), text(query.name)];
    const orderBy = (
      { name: 'name', updated_time: 'updatedAt', updated_at: 'updatedAt', tag_count: 'tagCount', namespace: 'namespace', is_public: 'isPublic' } as const
    )[(query.orderColumn ?? 'updated_at') as 'name'];
    const { repositories, total } = await this.services.call(rpc.search, {
      actor,
      ...(namespace ? { namespace } : {}),
      ...(name ? { name } : {}),
      ...(query.category !== undefined ? { category: query.category } : {}),
      ...(query.is_public !== undefined ? { isPublic: query.is_public } : {}),
      offset: query.offset,
      limit: query.limit,
      orderBy,
      direction: query.orderType,
    });
    if (query.paged) response.setHeader('Content-Range', contentRange(query.offset, repositories.length, total));
    return repositories.map((r) => this.shapes.listItem(r, actor.accountName, total));
  }

  /**
   * Shared repositories: `center::self` lists what the caller's account shares out, `thirdparty` what others
   * share with it, and without `center` (optional in the API reference) both, each row's `domain_name` naming
   * the owning account. Both sources' parameters are accepted: SDK-GO's `namespace` and OTC's `domain_name`
   * (the owning account) and `status` (true while a share is valid).
   */
  @Get('shared-repositories')
  @Returns(200, z.array(SwrRepositoryItem), { headers: pagedHeaders })
  async listShared(
    @CurrentPrincipal() actor: Principal,
    @ValidQuery(ListSharedQuery, swrInvalid('Invalid API parameters')) query: z.output<typeof ListSharedQuery>,
    @Res({ passthrough: true }) response: Response,
  ) {
    const text = (value: string | undefined) => (value === undefined ? undefined : { value, fuzzy: query.fuzzy });
    const [namespace, name, owner] = [text(query.namespace), text(query.name), text(query.domain_name)];
    const orderBy = (
      { name: 'name', updated_time: 'updatedAt', updated_at: 'updatedAt', tag_count: 'tagCount', namespace: 'namespace', domain_name: 'ownerAccountName' } as const
    )[(query.orderColumn ?? 'updated_at') as 'name'];
    const { repositories, total } = await this.services.call(rpc.searchShared, {
      actor,
      side: query.center ?? 'both',
      ...(namespace ? { namespace } : {}),
      ...(name ? { name } : {}),
      ...(owner ? { ownerAccountName: owner } : {}),
      ...(query.status !== undefined ? { valid: query.status } : {}),
      offset: query.offset,
      limit: query.limit,
      orderBy,
      direction: query.orderType,
    });
    if (query.paged) response.setHeader('Content-Range', contentRange(query.offset, repositories.length, total));
    return repositories.map((r) => this.shapes.sharedItem(r, total));
  }

  /** The v2 tag list: a bare array whose items spell the tag key `Tag`, as SWR's SDK and docs both do. */
  @Get('namespaces/:namespace/repos/:repository/tags')
  @Returns(200, z.array(SwrV2Tag), { headers: pagedHeaders })
  async listTags(
    @CurrentPrincipal() actor: Principal,
    @Param('namespace') namespace: string,
    @Param('repository') repository: string,
    @ValidQuery(ListTagsQuery, swrInvalid('Invalid API parameters')) query: z.output<typeof ListTagsQuery>,
    @Res({ passthrough: true }) response: Response,
  ): Promise<Array<z.input<typeof SwrV2Tag>>> {
    const name = repositoryFromPath(repository);
    const { tags, total } = await this.services.call(rpc.listTags, {
      actor,
      namespace,
      repository: name,
      ...(query.tag !== undefined ? { tag: query.tag } : {}),
      offset: query.offset,
      limit: query.limit,
      orderBy: query.orderColumn === 'tag' ? 'tag' : 'updatedAt',
      direction: query.orderType,
    });
    if (query.paged) response.setHeader('Content-Range', contentRange(query.offset, tags.length, total));
    return tags.map((t) => {
      const { tag: tagName, ...rest } = this.shapes.tag(t, namespace, name);
      return { ...rest, Tag: tagName, deleted: null, scanned: false };
    });
  }

  @Get('namespaces/:namespace/repos/:repository/tags/:tag')
  @Returns(200, SwrTag)
  async getTag(@CurrentPrincipal() actor: Principal, @Param('namespace') namespace: string, @Param('repository') repository: string, @Param('tag') tag: string) {
    const name = repositoryFromPath(repository);
    const { tag: detail } = await this.services.call(rpc.getTag, { actor, namespace, repository: name, tag });
    return this.shapes.tag(detail, namespace, name);
  }

  @Delete('namespaces/:namespace/repos/:repository/tags/:tag')
  @HttpCode(204)
  @Returns(204, undefined, { description: 'The tag is gone (the image stays while other tags name it)' })
  async deleteTag(@CurrentPrincipal() actor: Principal, @Param('namespace') namespace: string, @Param('repository') repository: string, @Param('tag') tag: string): Promise<void> {
    await this.services.call(rpc.deleteTag, { actor, namespace, repository: repositoryFromPath(repository), tag });
  }
}
