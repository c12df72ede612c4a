import { Controller, Get, Inject, UseGuards } from '@nestjs/common';
import { AuditLogReply, AuditRpc, type Principal } from '@wharf/contracts/identity';
import type { ServiceClient } from '@wharf/transport';
import { AuthenticatedGuard } from '../auth/authenticated.guard';
import { CurrentPrincipal } from '../auth/principal.decorator';
import { ApiRoutes } from '../openapi/dialects';
import { ValidQuery } from '../openapi/input';
import { Returns } from '../openapi/responses';
import { SERVICES } from '../services';
import { invalidInput } from '../validation';
import { AuditLogsQuery } from './audit-logs-query';

/**
 * The audit log (Wharf's own API): who did what to which resource, when, and with what outcome, newest first.
 * Account administrators read their account's entries; the installation's administrators read every account's.
 */
@Controller('v1/audit-logs')
@UseGuards(AuthenticatedGuard)
@ApiRoutes('swr', 'Wharf: audit log')
export class AuditLogsController {
  constructor(@Inject(SERVICES) private readonly services: ServiceClient) {}

  @Get()
  @Returns(200, AuditLogReply, { description: 'Entries newest first; `next` is the `before` of the following page' })
  async list(@CurrentPrincipal() actor: Principal, @ValidQuery(AuditLogsQuery, invalidInput) query: AuditLogsQuery): Promise<AuditLogReply> {
    const { since, until, user_id, user_name, operation, resource_type, resource, outcome, account_id, before, limit } = query;
    return this.services.call(AuditRpc.list, {
      actor,
      limit,
      ...(since !== undefined ? { since } : {}),
      ...(until !== undefined ? { until } : {}),
      ...(user_id !== undefined ? { userId: user_id } : {}),
      ...(user_name !== undefined ? { userName: user_name } : {}),
      ...(operation !== undefined ? { operations: operation } : {}),
      ...(resource_type !== undefined ? { resourceType: resource_type } : {}),
      ...(resource !== undefined ? { resource } : {}),
      ...(outcome !== undefined ? { outcome } : {}),
      ...(account_id !== undefined ? { accountId: account_id } : {}),
      ...(before !== undefined ? { before } : {}),
    });
  }
}
