import { Module, type DynamicModule } from '@nestjs/common';
import { blobStoreReadiness } from '@wharf/blob-store';
import { openBlobDriver, PlatformModule, type ServiceRuntime } from '@wharf/platform';
import { CleanupHandler } from './cleanup/cleanup.handler';
import { EventFeedHandler } from './events/event-feed.handler';
import { EventJournal } from './events/event-journal';
import { JetStreamRelay } from './events/jetstream-relay';
import { GarbageCollectionHandler } from './gc/gc.handler';
import { CONTENT_DRIVER, GcRunner } from './gc/gc-runner';
import { gcViews } from './gc/gc-views.projection';
import { ReferenceGraphs } from './gc/reference-graphs';
import { Registries } from './gc/registries';
import { UploadPurger } from './uploads/upload-purger';

/**
 * Lifecycle: garbage collection of registries, repository cleanup, purging of abandoned uploads and the public
 * event journal behind the event feed (triggers, retention and sync to come).
 * It projects catalog's reference graph into its own views and deletes bytes from the registry's content store.
 */
@Module({})
export class LifecycleModule {
  static register(runtime: ServiceRuntime): DynamicModule {
    const blobs = openBlobDriver(runtime.config);
    return {
      module: LifecycleModule,
      imports: [PlatformModule.forService(runtime, gcViews, [blobStoreReadiness(blobs)])],
      controllers: [GarbageCollectionHandler, CleanupHandler, EventFeedHandler],
      providers: [
        { provide: CONTENT_DRIVER, useValue: blobs },
        Registries,
        ReferenceGraphs,
        GcRunner,
        EventJournal,
        JetStreamRelay,
        UploadPurger,
      ],
    };
  }
}
