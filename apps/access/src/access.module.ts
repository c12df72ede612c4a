import { Module, type DynamicModule } from '@nestjs/common';
import { PlatformModule, type ServiceRuntime } from '@wharf/platform';

/** Access: organization and repository permissions, shares and public repositories (to come). Today it answers its health subject. */
@Module({})
export class AccessModule {
  static register(runtime: ServiceRuntime): DynamicModule {
    return { module: AccessModule, imports: [PlatformModule.forService(runtime, [])] };
  }
}
