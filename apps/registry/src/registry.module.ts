import { Module, type DynamicModule } from '@nestjs/common';
import { ContentLayout, getFilesystemBlobDriver } from '@wharf/blob-store';
import { PlatformModule, ProjectionHost, type ServiceRuntime } from '@wharf/platform';
import { ProjectedRevocations } from './auth/projected-revocations';
import { revocationsProjection } from './auth/revocations.projection';
import { RegistryApi } from './http/registry-api';
import { RegistryHttpController } from './registry-http.controller';
import { ContentStore } from './storage/content-store';

/** Registry: the OCI data plane over HTTP, plus its health subject on the transport. */
@Module({})
export class RegistryModule {
  static register(runtime: ServiceRuntime): DynamicModule {
    const content = new ContentStore(getFilesystemBlobDriver({ root: ContentLayout.root(runtime.config.dataDir) }));
    return {
      module: RegistryModule,
      imports: [PlatformModule.forService(runtime, [revocationsProjection])],
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
