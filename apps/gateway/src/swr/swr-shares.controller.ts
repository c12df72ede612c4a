import { Body, Controller, Delete, Get, HttpCode, Inject, Param, Patch, Post, UseGuards } from '@nestjs/common';
import { ShareRpc, type Share } from '@wharf/contracts/access';
import type { Principal } from '@wharf/contracts/identity';
import type { ServiceClient } from '@wharf/transport';
import { z } from 'zod';
import { AuthenticatedGuard } from '../auth/authenticated.guard';
import { CurrentPrincipal } from '../auth/principal.decorator';
import { SERVICES } from '../services';
import { parseInput } from '../validation';
import { SwrInputError } from './swr-errors';
import { repositoryFromPath } from './swr-query';

const ShareBody = z.object({ permit: z.literal('read'), deadline: z.string().min(1), description: z.string().optional() });
const CreateShareBody = ShareBody.extend({ access_domain: z.string() });

const swrShare = (share: Share) => ({
  namespace: share.namespace,
  repository: share.repository.slice(share.namespace.length + 1),
  access_domain: share.accessDomain,
  permit: share.permit,
  deadline: share.deadline,
  description: share.description,
  creator_id: share.creatorId,
  creator_name: share.creatorName,
  created: share.createdAt,
  updated: share.updatedAt,
  status: share.valid,
});

const domainOf = (value: string): string => {
  if (!/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/.test(value)) throw new SwrInputError('SVCSTG.SWR.4001041', 'The domain parameter is invalid.', value);
  return value;
};

/** SWR shared accounts (§1.2.6): note the `repositories` path segment, unlike the rest of the API. */
@Controller('v2/manage/namespaces/:namespace/repositories/:repository/access-domains')
@UseGuards(AuthenticatedGuard)
export class SwrSharesController {
  constructor(@Inject(SERVICES) private readonly services: ServiceClient) {}

  private target(namespace: string, repository: string) {
    return { namespace, repository: repositoryFromPath(repository) };
  }

  @Post()
  @HttpCode(201)
  async create(@CurrentPrincipal() actor: Principal, @Param('namespace') namespace: string, @Param('repository') repository: string, @Body() body: unknown) {
    const input = parseInput(CreateShareBody, body);
    await this.services.call(ShareRpc.create, {
      actor,
      target: this.target(namespace, repository),
      accessDomain: domainOf(input.access_domain),
      permit: input.permit,
      deadline: input.deadline,
      ...(input.description !== undefined ? { description: input.description } : {}),
    });
    return {};
  }

  @Get()
  async list(@CurrentPrincipal() actor: Principal, @Param('namespace') namespace: string, @Param('repository') repository: string) {
    const { shares } = await this.services.call(ShareRpc.list, { actor, target: this.target(namespace, repository) });
    return shares.map(swrShare);
  }

  /** `{"exist": true, …}` for a share, `{"exist": false}` (200) when there is none. */
  @Get(':accessDomain')
  async check(@CurrentPrincipal() actor: Principal, @Param('namespace') namespace: string, @Param('repository') repository: string, @Param('accessDomain') accessDomain: string) {
    const { share } = await this.services.call(ShareRpc.get, { actor, target: this.target(namespace, repository), accessDomain: domainOf(accessDomain) });
    return share ? { exist: true, ...swrShare(share) } : { exist: false };
  }

  @Patch(':accessDomain')
  @HttpCode(201)
  async update(
    @CurrentPrincipal() actor: Principal,
    @Param('namespace') namespace: string,
    @Param('repository') repository: string,
    @Param('accessDomain') accessDomain: string,
    @Body() body: unknown,
  ) {
    const input = parseInput(ShareBody, body);
    await this.services.call(ShareRpc.update, {
      actor,
      target: this.target(namespace, repository),
      accessDomain: domainOf(accessDomain),
      permit: input.permit,
      deadline: input.deadline,
      ...(input.description !== undefined ? { description: input.description } : {}),
    });
    return {};
  }

  @Delete(':accessDomain')
  @HttpCode(204)
  async remove(@CurrentPrincipal() actor: Principal, @Param('namespace') namespace: string, @Param('repository') repository: string, @Param('accessDomain') accessDomain: string): Promise<void> {
    await this.services.call(ShareRpc.remove, { actor, target: this.target(namespace, repository), accessDomain: domainOf(accessDomain) });
  }
}
