import { Controller, Delete, Get, HttpCode, Inject, Param, Post, UseGuards } from '@nestjs/common';
import { AuthLevel, CatalogRpc, type VisibleNamespace } from '@wharf/contracts/catalog';
import type { Principal } from '@wharf/contracts/identity';
import type { ServiceClient } from '@wharf/transport';
import { z } from 'zod';
import { AuthenticatedGuard } from '../auth/authenticated.guard';
import { CurrentPrincipal } from '../auth/principal.decorator';
import { ApiRoutes } from '../openapi/dialects';
import { ValidBody, ValidQuery } from '../openapi/input';
import { Returns } from '../openapi/responses';
import { SERVICES } from '../services';
import { swrInvalid } from './swr-errors';
import { swrFilter } from './swr-filter';

const CreateNamespaceBody = z.object({ namespace: z.string().describe('The organization name') });

const ListNamespacesQuery = z
  .object({
    namespace: z.string().optional().describe('The organization with exactly this name'),
    filter: swrFilter(['namespace', 'mode']).optional(),
  })
  .superRefine(({ filter }, context) => {
    const mode = filter?.get('mode');
    if (mode !== undefined && mode !== 'visible') context.addIssue({ code: 'custom', path: ['mode'], message: 'mode must be visible' });
  });

const SwrNamespace = z.object({
  id: z.number().int(),
  name: z.string(),
  creator_name: z.string(),
  auth: AuthLevel.describe("The caller's permission: 7 manage, 3 edit, 1 read"),
});

/** SWR's organization shape: integer id, name, creator's user name and the caller's permission. */
const toSwr = (ns: VisibleNamespace): z.input<typeof SwrNamespace> => ({ id: ns.id, name: ns.name, creator_name: ns.creatorName, auth: ns.auth });

/** SWR organizations (§1.2.2): `/v2/manage/namespaces`. */
@Controller('v2/manage/namespaces')
@UseGuards(AuthenticatedGuard)
@ApiRoutes('swr', 'SWR: organizations')
export class SwrNamespacesController {
  constructor(@Inject(SERVICES) private readonly services: ServiceClient) {}

  /** 201 with `{}`: OTC documents an empty body, the example shows `{}`; clients of either accept `{}`. */
  @Post()
  @HttpCode(201)
  @Returns(201, z.object({}))
  async create(@CurrentPrincipal() actor: Principal, @ValidBody(CreateNamespaceBody, swrInvalid()) { namespace }: z.output<typeof CreateNamespaceBody>) {
    await this.services.call(CatalogRpc.createNamespace, { actor, name: namespace });
    return {};
  }

  /**
   * `filter=namespace::x|mode::visible` wins over the plain `namespace` parameter. In the filter the name
   * matches fuzzily (as documented); the plain parameter matches exactly. `mode::visible` adds organizations
   * the caller reaches only through repository permissions, with its highest repository level as `auth`.
   */
  @Get()
  @Returns(200, z.object({ namespaces: z.array(SwrNamespace) }))
  async list(@CurrentPrincipal() actor: Principal, @ValidQuery(ListNamespacesQuery, swrInvalid()) { namespace, filter }: z.output<typeof ListNamespacesQuery>) {
    let criteria: { name?: string; nameContains?: string; includeRepositoryGrants?: boolean } = namespace ? { name: namespace } : {};
    if (filter !== undefined) {
      const contains = filter.get('namespace');
      criteria = { ...(contains ? { nameContains: contains } : {}), ...(filter.get('mode') === 'visible' ? { includeRepositoryGrants: true } : {}) };
    }
    const { namespaces } = await this.services.call(CatalogRpc.listNamespaces, { actor, ...criteria });
    return { namespaces: namespaces.map(toSwr) };
  }

  @Get(':namespace')
  @Returns(200, SwrNamespace)
  async get(@CurrentPrincipal() actor: Principal, @Param('namespace') name: string) {
    const { namespace } = await this.services.call(CatalogRpc.getNamespace, { actor, name });
    return toSwr(namespace);
  }

  @Delete(':namespace')
  @HttpCode(204)
  @Returns(204, undefined, { description: 'The organization is gone (it must hold no repositories)' })
  async delete(@CurrentPrincipal() actor: Principal, @Param('namespace') name: string): Promise<void> {
    await this.services.call(CatalogRpc.deleteNamespace, { actor, name });
  }
}
