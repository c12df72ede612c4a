import { Controller, Module, type DynamicModule } from '@nestjs/common';
import { MessagePattern } from '@nestjs/microservices';
import { healthRpc, readinessRpc, type HealthReply, type ReadinessReply, type ServiceName } from '@wharf/contracts';
import type { EventStore } from '@wharf/event-store';
import type { Document, DocumentStore, Projection } from '@wharf/read-model';
import type { ServiceClient } from '@wharf/transport';
import type { WharfConfig } from './config';
import { CommandRunner } from './command-runner';
import { ProjectionHost } from './projection-host';
import { ProjectionMetrics } from './projection-metrics';
import { eventStoreReadiness, READ_MODEL_CATCH_UP_BOUND_MS, readiness, type ReadinessCheck } from './readiness';
import { CLOCK, DOCUMENT_STORE, EVENT_STORE, PROJECTIONS, SERVICE_CLIENT, WHARF_CONFIG, type Clock } from './tokens';

/** What a service needs from its process: configuration, its stores, a clock and a client for other services. */
export interface ServiceRuntime {
  service: ServiceName;
  config: WharfConfig;
  events: EventStore;
  documents: DocumentStore;
  clock: Clock;
  services: ServiceClient;
}

const healthControllerFor = (runtime: ServiceRuntime, checks: readonly ReadinessCheck[]) => {
  const { service } = runtime;
  @Controller()
  class HealthController {
    constructor(private readonly projections: ProjectionHost) {}

    /** Ready when the event store answers, the read models answer and are caught up within the bound, and `checks` pass. */
    @MessagePattern(readinessRpc(service).subject)
    readiness(): Promise<ReadinessReply> {
      const readModels: ReadinessCheck = { name: 'readModels', probe: () => this.projections.caughtUpWithin(READ_MODEL_CATCH_UP_BOUND_MS) };
      return readiness(service, [eventStoreReadiness(runtime.events), readModels, ...checks]);
    }

    @MessagePattern(healthRpc(service).subject)
    health(): HealthReply {
      return { service, status: 'ok', projections: this.projections.checkpoints() };
    }
  }
  return HealthController;
};

/**
 * Provides a service's ports by DI token, hosts its projections and answers its health and readiness subjects;
 * `readinessChecks` adds what else the service needs to serve (the registry's blob store).
 */
@Module({})
export class PlatformModule {
  static forService(runtime: ServiceRuntime, projections: readonly Projection<Document, never>[], readinessChecks: readonly ReadinessCheck[] = []): DynamicModule {
    return {
      module: PlatformModule,
      global: true,
      controllers: [healthControllerFor(runtime, readinessChecks)],
      providers: [
        { provide: WHARF_CONFIG, useValue: runtime.config },
        { provide: EVENT_STORE, useValue: runtime.events },
        { provide: DOCUMENT_STORE, useValue: runtime.documents },
        { provide: CLOCK, useValue: runtime.clock },
        { provide: PROJECTIONS, useValue: projections },
        { provide: SERVICE_CLIENT, useValue: runtime.services },
        ProjectionHost,
        CommandRunner,
        { provide: ProjectionMetrics, inject: [ProjectionHost], useFactory: (host: ProjectionHost) => new ProjectionMetrics(runtime.service, host, runtime.events) },
      ],
      exports: [WHARF_CONFIG, EVENT_STORE, DOCUMENT_STORE, CLOCK, SERVICE_CLIENT, ProjectionHost, CommandRunner],
    };
  }
}
