import { Body, Controller, Delete, Get, HttpCode, Inject, Param, Post, Query, UseGuards } from '@nestjs/common';
import { DomainError } from '@wharf/contracts';
import { CatalogRpc, type VisibleNamespace } from '@wharf/contracts/catalog';
import type { Principal } from '@wharf/contracts/identity';
import type { ServiceClient } from '@wharf/transport';
import { z } from 'zod';
import { AuthenticatedGuard } from '../auth/authenticated.guard';
import { CurrentPrincipal } from '../auth/principal.decorator';
import { SERVICES } from '../services';
import { parseInput } from '../validation';
import { parseSwrFilter } from './swr-filter';

const CreateNamespaceBody = z.object({ namespace: z.string() });

const ListNamespacesQuery = z.object({
  namespace: z.string().optional(),
  filter: z.string().optional(),
});

/** SWR's organization shape: integer id, name, creator's user name and the caller's permission. */
const toSwr = (ns: VisibleNamespace) => ({ id: ns.id, name: ns.name, creator_name: ns.creatorName, auth: ns.auth });

/** SWR organizations (§1.2.2): `/v2/manage/namespaces`. */
@Controller('v2/manage/namespaces')
@UseGuards(AuthenticatedGuard)
export class SwrNamespacesController {
  constructor(@Inject(SERVICES) private readonly services: ServiceClient) {}

  /** 201 with `{}`: OTC documents an empty body, the example shows `{}`; clients of either accept `{}`. */
  @Post()
  @HttpCode(201)
  async create(@CurrentPrincipal() actor: Principal, @Body() body: unknown) {
    const { namespace } = parseInput(CreateNamespaceBody, body);
    await this.services.call(CatalogRpc.createNamespace, { actor, name: namespace });
    return {};
  }

  /**
   * `filter=namespace::x|mode::visible` wins over the plain `namespace` parameter. In the filter the name
   * matches fuzzily (as documented); the plain parameter matches exactly. `mode::visible` adds organizations
   * the caller reaches only through repository permissions, with its highest repository level as `auth`.
   */
  @Get()
  async list(@CurrentPrincipal() actor: Principal, @Query() query: unknown) {
    const { namespace, filter } = parseInput(ListNamespacesQuery, query);
    let criteria: { name?: string; nameContains?: string; includeRepositoryGrants?: boolean } = namespace ? { name: namespace } : {};
    if (filter !== undefined) {
      const pairs = parseSwrFilter(filter, ['namespace', 'mode']);
      const mode = pairs.get('mode');
      if (mode !== undefined && mode !== 'visible') {
        throw new DomainError('PLATFORM.VALIDATION_FAILED', { path: 'mode', reason: 'mode must be visible' });
      }
      const contains = pairs.get('namespace');
      criteria = { ...(contains ? { nameContains: contains } : {}), ...(mode === 'visible' ? { includeRepositoryGrants: true } : {}) };
    }
    const { namespaces } = await this.services.call(CatalogRpc.listNamespaces, { actor, ...criteria });
    return { namespaces: namespaces.map(toSwr) };
  }

  @Get(':namespace')
  async get(@CurrentPrincipal() actor: Principal, @Param('namespace') name: string) {
    const { namespace } = await this.services.call(CatalogRpc.getNamespace, { actor, name });
    return toSwr(namespace);
  }

  @Delete(':namespace')
  @HttpCode(204)
  async delete(@CurrentPrincipal() actor: Principal, @Param('namespace') name: string): Promise<void> {
    await this.services.call(CatalogRpc.deleteNamespace, { actor, name });
  }
}
