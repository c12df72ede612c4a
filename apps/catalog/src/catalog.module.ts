import { Module, type DynamicModule } from '@nestjs/common';
import { PlatformModule, type ServiceRuntime } from '@wharf/platform';
import { AccessLevels } from './access-levels';
import { NamespacesHandler } from './namespaces/namespaces.handler';
import { namespacesProjection } from './namespaces/namespaces.projection';
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
      imports: [PlatformModule.forService(runtime, [namespacesProjection, ...repositoryProjections])],
      controllers: [NamespacesHandler, RepositoriesHandler, RepositoryManagementHandler],
      providers: [RepositoryCommands, AccessLevels],
    };
  }
}
