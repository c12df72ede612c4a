import { Module, type DynamicModule } from '@nestjs/common';
import { PlatformModule, type ServiceRuntime } from '@wharf/platform';
import { NamespacesHandler } from './namespaces/namespaces.handler';
import { namespacesProjection } from './namespaces/namespaces.projection';

/** Catalog: namespaces (SWR organizations, Selectel registries); repositories, tags and blob links come next. */
@Module({})
export class CatalogModule {
  static register(runtime: ServiceRuntime): DynamicModule {
    return {
      module: CatalogModule,
      imports: [PlatformModule.forService(runtime, [namespacesProjection])],
      controllers: [NamespacesHandler],
    };
  }
}
