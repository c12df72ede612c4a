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
import { RepositoryGuard } from './retention/repository-guard';
import { RetentionHandler } from './retention/retention.handler';
import { RetentionRunner } from './retention/retention-runner';
import { RetentionScheduler } from './retention/retention-scheduler';
import { retentionViews } from './retention/retention-views.projection';
import { SyncCopier } from './sync/sync-copier';
import { SyncDispatcher } from './sync/sync-dispatcher';
import { SyncHandler } from './sync/sync.handler';
import { SyncRunner } from './sync/sync-runner';
import { syncViews } from './sync/sync-views.projection';
import { TriggerDispatcher } from './triggers/trigger-dispatcher';
import { TriggerSecrets } from './triggers/trigger-secrets';
import { TriggerViews } from './triggers/trigger-views';
import { TriggersHandler } from './triggers/triggers.handler';
import { triggerViews } from './triggers/trigger-read-models';
import { DeliveryAttempts } from './webhooks/delivery-attempts';
import { DeliveryLanes } from './webhooks/delivery-lanes';
import { WEBHOOK_SETTINGS } from './webhooks/webhook-settings';
import { UploadPurger } from './uploads/upload-purger';

/**
 * Lifecycle: garbage collection of registries, repository cleanup, purging of abandoned uploads, the public event
 * journal behind the event feed, retention policies, image synchronization, and triggers with their webhook
 * deliveries.
 * It projects catalog's reference graph into its own views and deletes bytes from the registry's content store.
 */
@Module({})
export class LifecycleModule {
  static register(runtime: ServiceRuntime): DynamicModule {
    const blobs = openBlobDriver(runtime.config);
    return {
      module: LifecycleModule,
      imports: [PlatformModule.forService(runtime, [...gcViews, ...retentionViews, ...syncViews, ...triggerViews], [blobStoreReadiness(blobs)])],
      controllers: [GarbageCollectionHandler, CleanupHandler, EventFeedHandler, RetentionHandler, SyncHandler, TriggersHandler],
      providers: [
        { provide: CONTENT_DRIVER, useValue: blobs },
        Registries,
        ReferenceGraphs,
        GcRunner,
        EventJournal,
        JetStreamRelay,
        UploadPurger,
        RepositoryGuard,
        RetentionRunner,
        RetentionScheduler,
        SyncCopier,
        SyncRunner,
        SyncDispatcher,
        { provide: WEBHOOK_SETTINGS, useValue: runtime.config.webhooks },
        TriggerSecrets,
        TriggerViews,
        DeliveryAttempts,
        DeliveryLanes,
        TriggerDispatcher,
      ],
    };
  }
}
