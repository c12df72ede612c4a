import { Controller, Delete, Get, HttpCode, Inject, Param, Patch, Post, UseGuards } from '@nestjs/common';
import { ShareRpc, type Share } from '@wharf/contracts/access';
import type { Principal } from '@wharf/contracts/identity';
import type { ServiceClient } from '@wharf/transport';
import { z } from 'zod';
import { AuthenticatedGuard } from '../auth/authenticated.guard';
import { CurrentPrincipal } from '../auth/principal.decorator';
import { ApiRoutes } from '../openapi/dialects';
import { ValidBody, ValidParam } from '../openapi/input';
import { Returns } from '../openapi/responses';
import { SERVICES } from '../services';
import { swrInvalid, swrRule } from './swr-errors';
import { repositoryFromPath } from './swr-query';

/** The account a repository is shared with, by name (4001041 when it cannot be one). */
const AccessDomain = z
  .string()
  .refine(
    (value) => /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/.test(value),
    (value) => swrRule('SVCSTG.SWR.4001041', 'The domain parameter is invalid.', value),
  )
  .describe('The account the repository is shared with');

const ShareBody = z.object({
  permit: z.literal('read').describe('Shares are pull-only'),
  deadline: z.string().min(1).describe('When the share ends: an RFC 3339 time in the future, or forever'),
  description: z.string().optional(),
});
const CreateShareBody = ShareBody.extend({ access_domain: AccessDomain });

const SwrShare = z.object({
  namespace: z.string(),
  repository: z.string(),
  access_domain: z.string(),
  permit: z.literal('read'),
  deadline: z.string(),
  description: z.string(),
  creator_id: z.string(),
  creator_name: z.string(),
  created: z.string(),
  updated: z.string(),
  status: z.boolean().describe('Whether the share is valid (its deadline has not passed)'),
});

const swrShare = (share: Share): z.input<typeof SwrShare> => ({
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

const ShareCheck = z.union([SwrShare.extend({ exist: z.literal(true) }), z.object({ exist: z.literal(false) })]);

/** SWR shared accounts (§1.2.6): note the `repositories` path segment, unlike the rest of the API. */
@Controller('v2/manage/namespaces/:namespace/repositories/:repository/access-domains')
@UseGuards(AuthenticatedGuard)
@ApiRoutes('swr', 'SWR: shared accounts')
export class SwrSharesController {
  constructor(@Inject(SERVICES) private readonly services: ServiceClient) {}

  private target(namespace: string, repository: string) {
    return { namespace, repository: repositoryFromPath(repository) };
  }

  @Post()
  @HttpCode(201)
  @Returns(201, z.object({}))
  async create(
    @CurrentPrincipal() actor: Principal,
    @Param('namespace') namespace: string,
    @Param('repository') repository: string,
    @ValidBody(CreateShareBody, swrInvalid()) input: z.output<typeof CreateShareBody>,
  ) {
    await this.services.call(ShareRpc.create, {
      actor,
      target: this.target(namespace, repository),
      accessDomain: input.access_domain,
      permit: input.permit,
      deadline: input.deadline,
      ...(input.description !== undefined ? { description: input.description } : {}),
    });
    return {};
  }

  @Get()
  @Returns(200, z.array(SwrShare))
  async list(@CurrentPrincipal() actor: Principal, @Param('namespace') namespace: string, @Param('repository') repository: string) {
    const { shares } = await this.services.call(ShareRpc.list, { actor, target: this.target(namespace, repository) });
    return shares.map(swrShare);
  }

  /** `{"exist": true, …}` for a share, `{"exist": false}` (200) when there is none. */
  @Get(':accessDomain')
  @Returns(200, ShareCheck)
  async check(
    @CurrentPrincipal() actor: Principal,
    @Param('namespace') namespace: string,
    @Param('repository') repository: string,
    @ValidParam('accessDomain', AccessDomain, swrInvalid()) accessDomain: string,
  ): Promise<z.input<typeof ShareCheck>> {
    const { share } = await this.services.call(ShareRpc.get, { actor, target: this.target(namespace, repository), accessDomain });
    return share ? { exist: true, ...swrShare(share) } : { exist: false };
  }

  @Patch(':accessDomain')
  @HttpCode(201)
  @Returns(201, z.object({}))
  async update(
    @CurrentPrincipal() actor: Principal,
    @Param('namespace') namespace: string,
    @Param('repository') repository: string,
    // The body is checked before the account it names, as SWR does.
    @ValidBody(ShareBody, swrInvalid()) input: z.output<typeof ShareBody>,
    @ValidParam('accessDomain', AccessDomain, swrInvalid()) accessDomain: string,
  ) {
    await this.services.call(ShareRpc.update, {
      actor,
      target: this.target(namespace, repository),
      accessDomain,
      permit: input.permit,
      deadline: input.deadline,
      ...(input.description !== undefined ? { description: input.description } : {}),
    });
    return {};
  }

  @Delete(':accessDomain')
  @HttpCode(204)
  @Returns(204, undefined, { description: 'The share is gone' })
  async remove(
    @CurrentPrincipal() actor: Principal,
    @Param('namespace') namespace: string,
    @Param('repository') repository: string,
    @ValidParam('accessDomain', AccessDomain, swrInvalid()) accessDomain: string,
  ): Promise<void> {
    await this.services.call(ShareRpc.remove, { actor, target: this.target(namespace, repository), accessDomain });
  }
}
