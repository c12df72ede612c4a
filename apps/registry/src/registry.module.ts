import { Module, type DynamicModule } from '@nestjs/common';
import { blobStoreReadiness } from '@wharf/blob-store';
import { HealthModule } from '@wharf/health';
import { openBlobDriver, PlatformModule, ProjectionHost, type ServiceRuntime } from '@wharf/platform';
import { ProjectedRevocations } from './auth/projected-revocations';
import { revocationsProjection } from './auth/revocations.projection';
import { RegistryApi } from './http/registry-api';
import { RegistryHttpController } from './registry-http.controller';
import { ContentStore } from './storage/content-store';

/** Registry: the OCI data plane over HTTP, plus its health subject on the transport. */
@Module({})
export class RegistryModule {
  static register(runtime: ServiceRuntime): DynamicModule {
    const blobs = openBlobDriver(runtime.config);
    const content = new ContentStore(blobs);
    const { config } = runtime;
    return {
      module: RegistryModule,
      imports: [
        PlatformModule.forService(runtime, [revocationsProjection], [blobStoreReadiness(blobs)]),
        HealthModule.register({ services: runtime.services, natsUrl: config.transport.kind === 'nats' ? config.transport.url : undefined, local: [blobStoreReadiness(blobs)] }),
      ],
      controllers: [RegistryHttpController],
      providers: [
        {
          provide: RegistryApi,
          inject: [ProjectionHost],
          useFactory: (projections: ProjectionHost) =>
            new RegistryApi({
              services: runtime.services,
              content,
              clock: runtime.clock,
              publicUrl: runtime.config.publicRegistryUrl,
              revocations: new ProjectedRevocations(projections),
            }),
        },
      ],
    };
  }
}
