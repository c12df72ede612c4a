import { Controller, Get, Inject, Param, Query, UseGuards } from '@nestjs/common';
import { RepositoryManagementRpc } from '@wharf/contracts/catalog';
import type { Principal } from '@wharf/contracts/identity';
import { WHARF_CONFIG, type WharfConfig } from '@wharf/platform';
import type { ServiceClient } from '@wharf/transport';
import { AuthenticatedGuard } from '../auth/authenticated.guard';
import { CurrentPrincipal } from '../auth/principal.decorator';
import { SERVICES } from '../services';
import { SwrInputError } from './swr-errors';
import { bool, integer, repositoryFromPath, sharedSide } from './swr-query';
import { SwrShapes } from './swr-shapes';

const rpc = RepositoryManagementRpc;

/** The v3 lists' parameters are plain (no `filter`), typed integers in SDK-GO, and each may be given once. */
const single = (query: Record<string, unknown>, key: string): string | undefined => {
  const value = query[key];
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw new SwrInputError('SVCSTG.SWR.4000014', 'Invalid API parameters', `${key} must be given once`);
  return value;
};

const integerOr = (query: Record<string, unknown>, key: string, fallback: number, min: number, max: number): number => {
  const value = single(query, key);
  return value === undefined ? fallback : integer(key, value, min, max);
};

const text = (query: Record<string, unknown>, key: string, fuzzy: boolean) => {
  const value = single(query, key);
  return value === undefined || value === '' ? undefined : { value, fuzzy };
};

/**
 * SWR's v3 list APIs (§1.2.4, SDK-GO only): marker paging in place of offsets. Repository markers are the
 * repositories' integer ids; the tag marker is an opaque string. `nextMarker` is present while more follow.
 * `namespace` matches exactly and `name` as a substring, the way the v2 list's plain and filter forms do.
 */
@Controller('v3/manage')
@UseGuards(AuthenticatedGuard)
export class SwrV3ListsController {
  private readonly shapes: SwrShapes;

  constructor(
    @Inject(SERVICES) private readonly services: ServiceClient,
    @Inject(WHARF_CONFIG) config: WharfConfig,
  ) {
    this.shapes = new SwrShapes(new URL(config.publicRegistryUrl).host);
  }

  @Get('repos')
  async repositories(@CurrentPrincipal() actor: Principal, @Query() query: Record<string, unknown>) {
    const [namespace, name, category, isPublic] = [text(query, 'namespace', false), text(query, 'name', true), single(query, 'category'), single(query, 'is_public')];
    const { repositories, nextMarker } = await this.services.call(rpc.search, {
      actor,
      ...(namespace ? { namespace } : {}),
      ...(name ? { name } : {}),
      ...(category !== undefined ? { category } : {}),
      ...(isPublic !== undefined ? { isPublic: bool('is_public', isPublic) } : {}),
      offset: 0,
      limit: integerOr(query, 'limit', 100, 1, 1000),
      orderBy: 'id',
      direction: 'asc',
      afterId: integerOr(query, 'marker', 0, 0, Number.MAX_SAFE_INTEGER),
    });
    return { repos: repositories.map((r) => this.shapes.v3Repository(r, actor.accountName)), ...(nextMarker !== undefined ? { nextMarker } : {}) };
  }

  @Get('shared-repositories')
  async sharedRepositories(@CurrentPrincipal() actor: Principal, @Query() query: Record<string, unknown>) {
    const side = sharedSide('shared_by', single(query, 'shared_by'));
    const [namespace, name, status] = [text(query, 'namespace', false), text(query, 'name', true), single(query, 'status')];
    const { repositories, nextMarker } = await this.services.call(rpc.searchShared, {
      actor,
      side,
      ...(namespace ? { namespace } : {}),
      ...(name ? { name } : {}),
      ...(status !== undefined ? { valid: bool('status', status) } : {}),
      offset: 0,
      limit: integerOr(query, 'limit', 100, 1, 1000),
      orderBy: 'id',
      direction: 'asc',
      afterId: integerOr(query, 'marker', 0, 0, Number.MAX_SAFE_INTEGER),
    });
    return { repos: repositories.map((r) => this.shapes.v3Repository(r, r.ownerAccountName, r.shareValid)), ...(nextMarker !== undefined ? { nextMarker } : {}) };
  }

  /** Items spell the key `tag` (lowercase) and carry no `deleted`/`scanned`; the manifest text only with `with_manifest`. */
  @Get('namespaces/:namespace/repos/:repository/tags')
  async tags(@CurrentPrincipal() actor: Principal, @Param('namespace') namespace: string, @Param('repository') repository: string, @Query() query: Record<string, unknown>) {
    const name = repositoryFromPath(repository);
    const orderColumn = single(query, 'order_column') ?? 'updated_at';
    if (orderColumn !== 'updated_at' && orderColumn !== 'tag') throw new SwrInputError('SVCSTG.SWR.4000014', 'Invalid API parameters: order_column must be updated_at or tag', orderColumn);
    const orderType = single(query, 'order_type') ?? 'desc';
    if (orderType !== 'asc' && orderType !== 'desc') throw new SwrInputError('SVCSTG.SWR.4000014', 'Invalid API parameters: order_type must be asc or desc', orderType);
    const withManifest = single(query, 'with_manifest');
    const includeManifest = withManifest !== undefined && bool('with_manifest', withManifest);
    const tag = single(query, 'tag');
    const { tags, nextMarker } = await this.services.call(rpc.listTags, {
      actor,
      namespace,
      repository: name,
      ...(tag !== undefined ? { tag } : {}),
      offset: 0,
      limit: integerOr(query, 'limit', 100, 1, 1000),
      orderBy: orderColumn === 'tag' ? 'tag' : 'updatedAt',
      direction: orderType,
      marker: single(query, 'marker') ?? '',
    });
    return {
      tags: tags.map((t) => {
        const shape = this.shapes.tag(t, namespace, name);
        return includeManifest ? shape : { ...shape, manifest: '' };
      }),
      nextMarker: nextMarker ?? '',
      has_more: nextMarker !== undefined,
    };
  }
}
