import { Module, type DynamicModule } from '@nestjs/common';
import { PlatformModule, type ServiceRuntime } from '@wharf/platform';
import { AccessLevels } from './access-levels';
import { NamespacesHandler } from './namespaces/namespaces.handler';
import { namespacesProjection } from './namespaces/namespaces.projection';
import { quotaLimitsProjection } from './quotas/quota-limits.projection';
import { Quotas } from './quotas/quotas';
import { QuotasHandler } from './quotas/quotas.handler';
import { RepositoriesHandler } from './repositories/repositories.handler';
import { RepositoryCommands } from './repositories/repository-commands';
import { RepositoryManagementHandler } from './repositories/repository-management.handler';
import { repositoryProjections } from './repositories/repository.projections';

/** Catalog: namespaces (SWR organizations, Selectel registries), repositories, manifests, tags and blob links. */
@Module({})
export class CatalogModule {
  static register(runtime: ServiceRuntime): DynamicModule {
    return {
      module: CatalogModule,
      imports: [PlatformModule.forService(runtime, [namespacesProjection, ...repositoryProjections, quotaLimitsProjection])],
      controllers: [NamespacesHandler, RepositoriesHandler, RepositoryManagementHandler, QuotasHandler],
      providers: [RepositoryCommands, AccessLevels, Quotas],
    };
  }
}
