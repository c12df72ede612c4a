import { Body, Controller, Get, Inject, Param, Put, UseGuards } from '@nestjs/common';
import { MAX_QUOTA_LIMIT, QuotaKey, QuotaRpc, type QuotaUsage } from '@wharf/contracts/catalog';
import type { Principal } from '@wharf/contracts/identity';
import type { ServiceClient } from '@wharf/transport';
import { z } from 'zod';
import { AuthenticatedGuard } from '../auth/authenticated.guard';
import { CurrentPrincipal } from '../auth/principal.decorator';
import { SERVICES } from '../services';
import { parseInput } from '../validation';

/** SWR's quota item: counts have no unit. */
const toSwr = (quotas: QuotaUsage[]) => ({ quotas: quotas.map(({ key, limit, used }) => ({ quota_key: key, quota_limit: limit, used, unit: '' })) });

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
export class SwrQuotasController {
  constructor(@Inject(SERVICES) private readonly services: ServiceClient) {}

  @Get()
  async get(@CurrentPrincipal() actor: Principal, @Param('projectId') accountId: string) {
    return toSwr((await this.services.call(QuotaRpc.get, { actor, accountId })).quotas);
  }

  @Put()
  async set(@CurrentPrincipal() actor: Principal, @Param('projectId') accountId: string, @Body() body: unknown) {
    const { quotas } = parseInput(SetQuotasBody, body);
    const limits = quotas.map(({ quota_key, quota_limit }) => ({ key: quota_key, limit: quota_limit }));
    return toSwr((await this.services.call(QuotaRpc.set, { actor, accountId, limits })).quotas);
  }
}
