import { Module, type DynamicModule } from '@nestjs/common';
import { PlatformModule, type ServiceRuntime } from '@wharf/platform';
import { RegistryHttpController } from './registry-http.controller';

/** Registry: the OCI data plane over HTTP, plus its health subject on the transport. */
@Module({})
export class RegistryModule {
  static register(runtime: ServiceRuntime): DynamicModule {
    return { module: RegistryModule, imports: [PlatformModule.forService(runtime, [])], controllers: [RegistryHttpController] };
  }
}
