import { Module, type DynamicModule } from '@nestjs/common';
import { PlatformModule, type ServiceRuntime } from '@wharf/platform';
import { AccessLevels } from './access-levels';
import { NamespacesHandler } from './namespaces/namespaces.handler';
import { namespacesProjection } from './namespaces/namespaces.projection';
import { quotaLimitsProjection } from './quotas/quota-limits.projection';
import { QuotaReservations } from './quotas/quota-reservations';
import { Quotas } from './quotas/quotas';
import { QuotasHandler } from './quotas/quotas.handler';
import { RepositoriesHandler } from './repositories/repositories.handler';
import { RepositoryCommands } from './repositories/repository-commands';
import { RepositoryManagementHandler } from './repositories/repository-management.handler';
import { repositoryProjections } from './repositories/repository.projections';
import { RegistriesHandler } from './registries/registries.handler';
import { RegistryDeletion } from './registries/registry-deletion';
import { RegistryDirectory } from './registries/registry-directory';
import { RegistryImages } from './registries/registry-images';
import { registryImagesProjection } from './registries/registry-images.projection';
import { RegistryRepositoriesHandler } from './registries/registry-repositories.handler';

/** Catalog: namespaces (SWR organizations, Selectel registries), repositories, manifests, tags and blob links. */
@Module({})
export class CatalogModule {
  static register(runtime: ServiceRuntime): DynamicModule {
    return {
      module: CatalogModule,
      imports: [PlatformModule.forService(runtime, [namespacesProjection, ...repositoryProjections, quotaLimitsProjection, registryImagesProjection])],
      controllers: [NamespacesHandler, RepositoriesHandler, RepositoryManagementHandler, QuotasHandler, RegistriesHandler, RegistryRepositoriesHandler],
      providers: [RepositoryCommands, AccessLevels, Quotas, QuotaReservations, RegistryDirectory, RegistryDeletion, RegistryImages],
    };
  }
}
