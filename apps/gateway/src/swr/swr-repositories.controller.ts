import { Body, Controller, Delete, Get, HttpCode, Inject, Param, Patch, Post, Query, Res, UseGuards } from '@nestjs/common';
import { RepositoryManagementRpc } from '@wharf/contracts/catalog';
import type { Principal } from '@wharf/contracts/identity';
import { WHARF_CONFIG, type WharfConfig } from '@wharf/platform';
import type { ServiceClient } from '@wharf/transport';
import type { Response } from 'express';
import { AuthenticatedGuard } from '../auth/authenticated.guard';
import { CurrentPrincipal } from '../auth/principal.decorator';
import { SERVICES } from '../services';
import { SwrInputError } from './swr-errors';
import { bool, contentRange, parseSwrListQuery, repositoryFromPath, sharedSide } from './swr-query';
import { SwrShapes } from './swr-shapes';

const rpc = RepositoryManagementRpc;

/** SWR's categories; SDK-GO spells the last one `arms`, every document `arm`: both are accepted, `arm` is stored. */
const CATEGORIES = ['app_server', 'linux', 'framework_app', 'database', 'lang', 'other', 'windows', 'arm'];
const MAX_DESCRIPTION = 30000;
const MAX_NAME = 128;
const REPOSITORY_NAME = /^[a-z0-9]+(?:(?:[._]|__|-+|\/)[a-z0-9]+)*$/;

const optionalString = (name: string, value: unknown): string | undefined => {
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw new SwrInputError('SVCSTG.SWR.4000014', `Invalid API parameters: ${name} must be a string`);
  return value;
};

const settings = (input: Record<string, unknown>) => {
  const rawCategory = optionalString('category', input.category);
  const category = rawCategory === 'arms' ? 'arm' : rawCategory;
  if (category !== undefined && !CATEGORIES.includes(category)) {
    throw new SwrInputError('SVCSTG.SWR.4000014', `Invalid API parameters: category must be one of ${CATEGORIES.join(', ')}`, category);
  }
  const description = optionalString('description', input.description);
  if (description !== undefined && description.length > MAX_DESCRIPTION) {
    throw new SwrInputError('SVCSTG.SWR.4131012', 'The description exceeds the maximum length allowed.');
  }
  if (input.is_public === undefined) throw new SwrInputError('SVCSTG.SWR.4001009', 'is_public must be set to true or false.');
  return { ...(category !== undefined ? { category } : {}), ...(description !== undefined ? { description } : {}), isPublic: bool('is_public', input.is_public) };
};

const objectOf = (value: unknown): Record<string, unknown> => (typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {});

/** SWR image repositories and tags (§1.2.3, §1.2.5). */
@Controller('v2/manage')
@UseGuards(AuthenticatedGuard)
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
  async create(@CurrentPrincipal() actor: Principal, @Param('namespace') namespace: string, @Body() body: unknown, @Query() query: Record<string, unknown>) {
    const input = objectOf(body).repository !== undefined ? objectOf(body) : query;
    const repository = optionalString('repository', input.repository);
    if (!repository || repository.length > MAX_NAME || !REPOSITORY_NAME.test(repository)) {
      throw new SwrInputError('SVCSTG.SWR.4001029', 'Invalid image name.', repository ?? '');
    }
    await this.services.call(rpc.create, { actor, namespace, repository, ...settings(input) });
    return {};
  }

  @Get('namespaces/:namespace/repos/:repository')
  async get(@CurrentPrincipal() actor: Principal, @Param('namespace') namespace: string, @Param('repository') repository: string) {
    const { repository: summary } = await this.services.call(rpc.get, { actor, namespace, repository: repositoryFromPath(repository) });
    return this.shapes.summary(summary);
  }

  @Patch('namespaces/:namespace/repos/:repository')
  @HttpCode(201)
  async update(@CurrentPrincipal() actor: Principal, @Param('namespace') namespace: string, @Param('repository') repository: string, @Body() body: unknown) {
    await this.services.call(rpc.update, { actor, namespace, repository: repositoryFromPath(repository), ...settings(objectOf(body)) });
    return {};
  }

  @Delete('namespaces/:namespace/repos/:repository')
  @HttpCode(204)
  async delete(@CurrentPrincipal() actor: Principal, @Param('namespace') namespace: string, @Param('repository') repository: string): Promise<void> {
    await this.services.call(rpc.delete, { actor, namespace, repository: repositoryFromPath(repository) });
  }

  /** A bare JSON array with `Content-Range` when paged. */
  @Get('repos')
  async list(@CurrentPrincipal() actor: Principal, @Query() query: Record<string, unknown>, @Res({ passthrough: true }) response: Response) {
    const parsed = parseSwrListQuery(
      query,
      ['namespace', 'name', 'category', 'is_public', 'limit', 'offset', 'order_column', 'order_type'],
      ['name', 'updated_time', 'updated_at', 'tag_count', 'namespace', 'is_public'],
    );
    const text = (key: string) => {
      const value = parsed.values.get(key);
      return value === undefined ? undefined : { value, fuzzy: parsed.fromFilter };
    };
    const category = parsed.values.get('category');
    const isPublic = parsed.values.get('is_public');
    const namespace = text('namespace');
    const name = text('name');
    const orderBy = (
      { name: 'name', updated_time: 'updatedAt', updated_at: 'updatedAt', tag_count: 'tagCount', namespace: 'namespace', is_public: 'isPublic' } as const
    )[(parsed.orderColumn ?? 'updated_at') as 'name'];
    const { repositories, total } = await this.services.call(rpc.search, {
      actor,
      ...(namespace ? { namespace } : {}),
      ...(name ? { name } : {}),
      ...(category !== undefined ? { category } : {}),
      ...(isPublic !== undefined ? { isPublic: bool('is_public', isPublic) } : {}),
      offset: parsed.offset,
      limit: parsed.limit,
      orderBy,
      direction: parsed.orderType,
    });
    if (parsed.paged) response.setHeader('Content-Range', contentRange(parsed.offset, repositories.length, total));
    return repositories.map((r) => this.shapes.listItem(r, actor.accountName, total));
  }

  /**
   * Shared repositories: `center::self` lists what the caller's account shares out, `thirdparty` what others
   * share with it, and without `center` (optional in the API reference) both, each row's `domain_name` naming
   * the owning account. Both sources' parameters are accepted: SDK-GO's `namespace` and OTC's `domain_name`
   * (the owning account) and `status` (true while a share is valid).
   */
  @Get('shared-repositories')
  async listShared(@CurrentPrincipal() actor: Principal, @Query() query: Record<string, unknown>, @Res({ passthrough: true }) response: Response) {
    const parsed = parseSwrListQuery(
      query,
      ['center', 'namespace', 'name', 'domain_name', 'status', 'limit', 'offset', 'order_column', 'order_type'],
      ['updated_at', 'updated_time', 'name', 'tag_count', 'namespace', 'domain_name'],
    );
    const center = parsed.values.get('center');
    const side = center === undefined ? 'both' : sharedSide('center', center);
    const text = (key: string) => {
      const value = parsed.values.get(key);
      return value === undefined ? undefined : { value, fuzzy: parsed.fromFilter };
    };
    const [namespace, name, owner, status] = [text('namespace'), text('name'), text('domain_name'), parsed.values.get('status')];
    const orderBy = (
      { name: 'name', updated_time: 'updatedAt', updated_at: 'updatedAt', tag_count: 'tagCount', namespace: 'namespace', domain_name: 'ownerAccountName' } as const
    )[(parsed.orderColumn ?? 'updated_at') as 'name'];
    const { repositories, total } = await this.services.call(rpc.searchShared, {
      actor,
      side,
      ...(namespace ? { namespace } : {}),
      ...(name ? { name } : {}),
      ...(owner ? { ownerAccountName: owner } : {}),
      ...(status !== undefined ? { valid: bool('status', status) } : {}),
      offset: parsed.offset,
      limit: parsed.limit,
      orderBy,
      direction: parsed.orderType,
    });
    if (parsed.paged) response.setHeader('Content-Range', contentRange(parsed.offset, repositories.length, total));
    return repositories.map((r) => this.shapes.sharedItem(r, total));
  }

  /** The v2 tag list: a bare array whose items spell the tag key `Tag`, as SWR's SDK and docs both do. */
  @Get('namespaces/:namespace/repos/:repository/tags')
  async listTags(
    @CurrentPrincipal() actor: Principal,
    @Param('namespace') namespace: string,
    @Param('repository') repository: string,
    @Query() query: Record<string, unknown>,
    @Res({ passthrough: true }) response: Response,
  ) {
    const name = repositoryFromPath(repository);
    const parsed = parseSwrListQuery(query, ['offset', 'limit', 'order_column', 'order_type', 'tag'], ['updated_at', 'tag']);
    const tag = parsed.values.get('tag');
    const { tags, total } = await this.services.call(rpc.listTags, {
      actor,
      namespace,
      repository: name,
      ...(tag !== undefined ? { tag } : {}),
      offset: parsed.offset,
      limit: parsed.limit,
      orderBy: parsed.orderColumn === 'tag' ? 'tag' : 'updatedAt',
      direction: parsed.orderType,
    });
    if (parsed.paged) response.setHeader('Content-Range', contentRange(parsed.offset, tags.length, total));
    return tags.map((t) => {
      const { tag: tagName, ...rest } = this.shapes.tag(t, namespace, name);
      return { ...rest, Tag: tagName, deleted: null, scanned: false };
    });
  }

  @Get('namespaces/:namespace/repos/:repository/tags/:tag')
  async getTag(@CurrentPrincipal() actor: Principal, @Param('namespace') namespace: string, @Param('repository') repository: string, @Param('tag') tag: string) {
    const name = repositoryFromPath(repository);
    const { tag: detail } = await this.services.call(rpc.getTag, { actor, namespace, repository: name, tag });
    return this.shapes.tag(detail, namespace, name);
  }

  @Delete('namespaces/:namespace/repos/:repository/tags/:tag')
  @HttpCode(204)
  async deleteTag(@CurrentPrincipal() actor: Principal, @Param('namespace') namespace: string, @Param('repository') repository: string, @Param('tag') tag: string): Promise<void> {
    await this.services.call(rpc.deleteTag, { actor, namespace, repository: repositoryFromPath(repository), tag });
  }
}
