import { Module, type DynamicModule } from '@nestjs/common';
import { openBlobDriver, PlatformModule, type ServiceRuntime } from '@wharf/platform';
import { RegistryApi } from './http/registry-api';
import { RegistryHttpController } from './registry-http.controller';
import { ContentStore } from './storage/content-store';

/** Registry: the OCI data plane over HTTP, plus its health subject on the transport. */
@Module({})
export class RegistryModule {
  static register(runtime: ServiceRuntime): DynamicModule {
    const content = new ContentStore(openBlobDriver(runtime.config));
    return {
      module: RegistryModule,
      imports: [PlatformModule.forService(runtime, [])],
      controllers: [RegistryHttpController],
      providers: [
        {
          provide: RegistryApi,
          useValue: new RegistryApi({ services: runtime.services, content, clock: runtime.clock, publicUrl: runtime.config.publicRegistryUrl }),
        },
      ],
    };
  }
}
