import { Inject, Injectable } from '@nestjs/common';
import { DomainError, type ErrorCode } from '@wharf/contracts';
import type { QuotaKey, QuotaUsage } from '@wharf/contracts/catalog';
import { ProjectionHost, WHARF_CONFIG, type WharfConfig } from '@wharf/platform';
import { namespacesProjection } from '../namespaces/namespaces.projection';
import { repositoriesProjection, tagsProjection } from '../repositories/repository.projections';
import { quotaLimitsProjection } from './quota-limits.projection';

const KEYS: readonly QuotaKey[] = ['namespace', 'repository', 'tag'];

const EXCEEDED: Record<QuotaKey, ErrorCode> = {
  namespace: 'CATALOG.NAMESPACE_QUOTA_EXCEEDED',
  repository: 'CATALOG.REPOSITORY_QUOTA_EXCEEDED',
  tag: 'CATALOG.TAG_QUOTA_EXCEEDED',
};

/**
 * An account's limits (its own, else the installation's defaults) and what it uses, counted from the read
 * models. Creation checks room before it appends, so concurrent creations may overshoot a limit by the number
 * racing; deletions are never blocked by a quota.
 */
@Injectable()
export class Quotas {
  constructor(
    private readonly projections: ProjectionHost,
    @Inject(WHARF_CONFIG) private readonly config: WharfConfig,
  ) {}

  async limitsOf(accountId: string): Promise<Record<QuotaKey, number>> {
    const own = (await this.projections.collection(quotaLimitsProjection).get(accountId))?.limits ?? {};
    return { ...this.config.quotaDefaults, ...own };
  }

  async used(accountId: string, key: QuotaKey): Promise<number> {
    const accountOnly = [{ field: 'accountId', op: 'eq' as const, value: accountId }];
    switch (key) {
      case 'namespace':
        return this.projections.collection(namespacesProjection).count(accountOnly);
      case 'repository':
        return this.projections.collection(repositoriesProjection).count(accountOnly);
      case 'tag': {
        const namespaces = await this.projections.collection(namespacesProjection).find({ where: accountOnly });
        if (namespaces.length === 0) return 0;
        return this.projections.collection(tagsProjection).count([{ field: 'namespace', op: 'in', values: namespaces.map((ns) => ns.name) }]);
      }
    }
  }

  async usage(accountId: string): Promise<QuotaUsage[]> {
    const limits = await this.limitsOf(accountId);
    return Promise.all(KEYS.map(async (key) => ({ key, limit: limits[key], used: await this.used(accountId, key) })));
  }

  /** Throws the key's "exceeded" error when the account cannot have one more. */
  async ensureRoom(accountId: string, key: QuotaKey): Promise<void> {
    const [limits, used] = await Promise.all([this.limitsOf(accountId), this.used(accountId, key)]);
    if (used >= limits[key]) throw new DomainError(EXCEEDED[key], { accountId, limit: limits[key] });
  }
}
