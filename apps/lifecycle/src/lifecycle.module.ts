import { Module, type DynamicModule } from '@nestjs/common';
import { PlatformModule, type ServiceRuntime } from '@wharf/platform';

/** Lifecycle: triggers, retention, garbage collection and sync (to come). Today it answers its health subject. */
@Module({})
export class LifecycleModule {
  static register(runtime: ServiceRuntime): DynamicModule {
    return { module: LifecycleModule, imports: [PlatformModule.forService(runtime, [])] };
  }
}
