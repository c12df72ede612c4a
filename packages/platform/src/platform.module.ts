import { Controller, Module, type DynamicModule } from '@nestjs/common';
import { MessagePattern } from '@nestjs/microservices';
import { healthRpc, type HealthReply, type ServiceName } from '@wharf/contracts';
import type { EventStore } from '@wharf/event-store';
import type { Document, DocumentStore, Projection } from '@wharf/read-model';
import type { ServiceClient } from '@wharf/transport';
import type { WharfConfig } from './config';
import { CommandRunner } from './command-runner';
import { ProjectionHost } from './projection-host';
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

const healthControllerFor = (service: ServiceName) => {
  @Controller()
  class HealthController {
    constructor(private readonly projections: ProjectionHost) {}

    @MessagePattern(healthRpc(service).subject)
    health(): HealthReply {
      return { service, status: 'ok', projections: this.projections.checkpoints() };
    }
  }
  return HealthController;
};

/** Provides a service's ports by DI token, hosts its projections and answers its health subject. */
@Module({})
export class PlatformModule {
  static forService(runtime: ServiceRuntime, projections: readonly Projection<Document, never>[]): DynamicModule {
    return {
      module: PlatformModule,
      global: true,
      controllers: [healthControllerFor(runtime.service)],
      providers: [
        { provide: WHARF_CONFIG, useValue: runtime.config },
        { provide: EVENT_STORE, useValue: runtime.events },
        { provide: DOCUMENT_STORE, useValue: runtime.documents },
        { provide: CLOCK, useValue: runtime.clock },
        { provide: PROJECTIONS, useValue: projections },
        { provide: SERVICE_CLIENT, useValue: runtime.services },
        ProjectionHost,
        CommandRunner,
      ],
      exports: [WHARF_CONFIG, EVENT_STORE, DOCUMENT_STORE, CLOCK, SERVICE_CLIENT, ProjectionHost, CommandRunner],
    };
  }
}
