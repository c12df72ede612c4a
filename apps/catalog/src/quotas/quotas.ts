import { Inject, Injectable } from '@nestjs/common';
import type { QuotaKey, QuotaUsage } from '@wharf/contracts/catalog';
import { ProjectionHost, WHARF_CONFIG, type WharfConfig } from '@wharf/platform';
import { namespacesProjection } from '../namespaces/namespaces.projection';
import { repositoriesProjection, tagsProjection } from '../repositories/repository.projections';
import { quotaLimitsProjection } from './quota-limits.projection';

const KEYS: readonly QuotaKey[] = ['namespace', 'repository', 'tag'];

/**
 * An account's limits (its own, else the installation's defaults) and what it uses, counted from the read
 * models. Creations take room through QuotaReservations, which adds what is under way to these counts;
 * deletions are never blocked by a quota.
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

  /** The names of the account's namespaces, as the read model shows them. */
  async namespacesOf(accountId: string): Promise<string[]> {
    const docs = await this.projections.collection(namespacesProjection).find({ where: [{ field: 'accountId', op: 'eq', value: accountId }] });
    return docs.map((doc) => doc.name);
  }

  async used(accountId: string, key: QuotaKey): Promise<number> {
    const accountOnly = [{ field: 'accountId', op: 'eq' as const, value: accountId }];
    switch (key) {
      case 'namespace':
        return this.projections.collection(namespacesProjection).count(accountOnly);
      case 'repository':
        return this.projections.collection(repositoriesProjection).count(accountOnly);
      case 'tag': {
        // The repositories' own tag counts: one index entry per repository is read, not one per tag.
        return this.projections.collection(repositoriesProjection).sum('tagCount', accountOnly);
      }
    }
  }

  async usage(accountId: string): Promise<QuotaUsage[]> {
    const limits = await this.limitsOf(accountId);
    return Promise.all(KEYS.map(async (key) => ({ key, limit: limits[key], used: await this.used(accountId, key) })));
  }

  /**
   * Which of `names` the read models show for the key: namespace names, repository full names, and tags as
   * `tagId(repository, tag)`.
   */
  async present(key: QuotaKey, names: readonly string[]): Promise<string[]> {
    const collection = {
      namespace: () => this.projections.collection(namespacesProjection),
      repository: () => this.projections.collection(repositoriesProjection),
      tag: () => this.projections.collection(tagsProjection),
    }[key]();
    const shown = await Promise.all(names.map(async (name) => ((await collection.get(name)) ? name : null)));
    return shown.filter((name): name is string => name !== null);
  }

  /** Resolves once the read models that count the key have applied every event up to `position`. */
  async catchUp(key: QuotaKey, position: number): Promise<void> {
    const counting = { namespace: [namespacesProjection], repository: [repositoriesProjection], tag: [repositoriesProjection, tagsProjection] }[key];
    await Promise.all(counting.map((projection) => this.projections.waitFor(projection, position)));
  }
}
