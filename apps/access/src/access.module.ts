import { Module, type DynamicModule } from '@nestjs/common';
import { PlatformModule, type ServiceRuntime } from '@wharf/platform';
import { directoryAccountsProjection, directoryRepositoriesProjection, directoryUsersProjection } from './permissions/directory.projections';
import { PermissionLevels } from './permissions/permission-levels';
import { PermissionsHandler } from './permissions/permissions.handler';
import { permissionsProjection } from './permissions/permissions.projection';
import { namespaceOwnersProjection } from './repository-access/namespace-owners.projection';
import { SharesHandler } from './shares/shares.handler';
import { sharesProjection } from './shares/shares.projection';
import { RepositoryAccessHandler } from './repository-access/repository-access.handler';

/** Access: organization and repository permissions, shares with other accounts, and what a principal may do on a repository. */
@Module({})
export class AccessModule {
  static register(runtime: ServiceRuntime): DynamicModule {
    return {
      module: AccessModule,
      imports: [
        PlatformModule.forService(runtime, [
          namespaceOwnersProjection,
          permissionsProjection,
          sharesProjection,
          directoryUsersProjection,
          directoryRepositoriesProjection,
          directoryAccountsProjection,
        ]),
      ],
      controllers: [RepositoryAccessHandler, PermissionsHandler, SharesHandler],
      providers: [PermissionLevels],
    };
  }
}
