import { Controller, Inject } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { DomainError, type RpcReply } from '@wharf/contracts';
import { QuotaRpc, QuotaStreams } from '@wharf/contracts/catalog';
import { IdentityManagementRpc, type Principal } from '@wharf/contracts/identity';
import { CommandRunner, SERVICE_CLIENT } from '@wharf/platform';
import { SchemaPipe, type ServiceClient } from '@wharf/transport';
import { quotaDecider } from './quota.decider';
import { quotaLimitsProjection } from './quota-limits.projection';
import { Quotas } from './quotas';

const rpc = QuotaRpc;
type In<K extends keyof typeof rpc> = (typeof rpc)[K]['request']['_output'];

/** Account quotas: everyone reads their own account's; the system administrator reads and sets any account's. */
@Controller()
export class QuotasHandler {
  constructor(
    private readonly commands: CommandRunner,
    private readonly quotas: Quotas,
    @Inject(SERVICE_CLIENT) private readonly services: ServiceClient,
  ) {}

  /** Another account's project is not the caller's business, unless it is the system administrator (then it must exist). */
  private async requireAccount(actor: Principal, accountId: string): Promise<void> {
    if (accountId === actor.accountId) return;
    if (!actor.systemAdmin) throw new DomainError('CATALOG.PROJECT_FORBIDDEN', { id: accountId });
    await this.services.call(IdentityManagementRpc.getAccount, { actor, accountId }).catch((error: unknown) => {
      throw error instanceof DomainError && error.status === 404 ? new DomainError('CATALOG.PROJECT_NOT_FOUND', { id: accountId }) : error;
    });
  }

  @MessagePattern(rpc.get.subject)
  async get(@Payload(new SchemaPipe(rpc.get.request)) { actor, accountId }: In<'get'>) {
    await this.requireAccount(actor, accountId);
    return { quotas: await this.quotas.usage(accountId) } satisfies RpcReply<typeof rpc.get>;
  }

  @MessagePattern(rpc.set.subject)
  async set(@Payload(new SchemaPipe(rpc.set.request)) { actor, accountId, limits }: In<'set'>) {
    if (!actor.systemAdmin) throw new DomainError('CATALOG.QUOTA_FORBIDDEN', { accountId });
    await this.requireAccount(actor, accountId);
    await this.commands.run(QuotaStreams.account + accountId, quotaDecider, { type: 'SetQuotaLimits', data: { accountId, limits, actor } }, {
      actor,
      readModels: [quotaLimitsProjection],
    });
    return { quotas: await this.quotas.usage(accountId) } satisfies RpcReply<typeof rpc.set>;
  }
}
