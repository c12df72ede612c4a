import { Module, type DynamicModule } from '@nestjs/common';
import { PlatformModule, type ServiceRuntime } from '@wharf/platform';
import { namespaceOwnersProjection } from './repository-access/namespace-owners.projection';
import { RepositoryAccessHandler } from './repository-access/repository-access.handler';

/** Access: answers what a principal may do on a repository. Permissions, shares and public repositories come next. */
@Module({})
export class AccessModule {
  static register(runtime: ServiceRuntime): DynamicModule {
    return {
      module: AccessModule,
      imports: [PlatformModule.forService(runtime, [namespaceOwnersProjection])],
      controllers: [RepositoryAccessHandler],
    };
  }
}
