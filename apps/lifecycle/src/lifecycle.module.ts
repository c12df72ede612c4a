import { Module, type DynamicModule } from '@nestjs/common';
import { openBlobDriver, PlatformModule, type ServiceRuntime } from '@wharf/platform';
import { CleanupHandler } from './cleanup/cleanup.handler';
import { GarbageCollectionHandler } from './gc/gc.handler';
import { CONTENT_DRIVER, GcRunner } from './gc/gc-runner';
import { gcViews } from './gc/gc-views.projection';
import { ReferenceGraphs } from './gc/reference-graphs';
import { Registries } from './gc/registries';

/**
 * Lifecycle: garbage collection of registries and repository cleanup (triggers, retention and sync to come).
 * It projects catalog's reference graph into its own views and deletes bytes from the registry's content store.
 */
@Module({})
export class LifecycleModule {
  static register(runtime: ServiceRuntime): DynamicModule {
    return {
      module: LifecycleModule,
      imports: [PlatformModule.forService(runtime, gcViews)],
      controllers: [GarbageCollectionHandler, CleanupHandler],
      providers: [
        { provide: CONTENT_DRIVER, useValue: openBlobDriver(runtime.config) },
        Registries,
        ReferenceGraphs,
        GcRunner,
      ],
    };
  }
}
