import { Controller, Get, Inject, Param, Put, UseGuards } from '@nestjs/common';
import { MAX_QUOTA_LIMIT, QuotaKey, QuotaRpc, type QuotaUsage } from '@wharf/contracts/catalog';
import type { Principal } from '@wharf/contracts/identity';
import type { ServiceClient } from '@wharf/transport';
import { z } from 'zod';
import { AuthenticatedGuard } from '../auth/authenticated.guard';
import { CurrentPrincipal } from '../auth/principal.decorator';
import { ApiRoutes } from '../openapi/dialects';
import { ValidBody } from '../openapi/input';
import { Returns } from '../openapi/responses';
import { SERVICES } from '../services';
import { swrInvalid } from './swr-errors';

const SwrQuotas = z.object({
  quotas: z.array(z.object({ quota_key: QuotaKey, quota_limit: z.number().int(), used: z.number().int(), unit: z.literal('').describe('Counts have no unit') })),
});

/** SWR's quota item: counts have no unit. */
const toSwr = (quotas: QuotaUsage[]): z.input<typeof SwrQuotas> => ({ quotas: quotas.map(({ key, limit, used }) => ({ quota_key: key, quota_limit: limit, used, unit: '' })) });

const SetQuotasBody = z.object({
  quotas: z.array(z.object({ quota_key: QuotaKey, quota_limit: z.number().int().min(0).max(MAX_QUOTA_LIMIT) }).strict()).min(1).max(3),
});

/**
 * SWR quotas (§1.2.13): an account's (project's) limits on organizations, repositories and tags, with usage.
 * The project id is the account id. SWR has no call to change a limit; `PUT` on the same path, for the system
 * administrator, is Wharf's own.
 */
@Controller('v2/manage/projects/:projectId/quotas')
@UseGuards(AuthenticatedGuard)
@ApiRoutes('swr', 'SWR: quotas')
export class SwrQuotasController {
  constructor(@Inject(SERVICES) private readonly services: ServiceClient) {}

  @Get()
  @Returns(200, SwrQuotas, { description: "The account's limits and usage" })
  async get(@CurrentPrincipal() actor: Principal, @Param('projectId') accountId: string) {
    return toSwr((await this.services.call(QuotaRpc.get, { actor, accountId })).quotas);
  }

  @Put()
  @Returns(200, SwrQuotas, { description: "Wharf's own: the new limits (installation administrators only)" })
  async set(@CurrentPrincipal() actor: Principal, @Param('projectId') accountId: string, @ValidBody(SetQuotasBody, swrInvalid()) { quotas }: z.output<typeof SetQuotasBody>) {
    const limits = quotas.map(({ quota_key, quota_limit }) => ({ key: quota_key, limit: quota_limit }));
    return toSwr((await this.services.call(QuotaRpc.set, { actor, accountId, limits })).quotas);
  }
}
