import { Module, type DynamicModule } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { HEALTH_OPTIONS, type HealthOptions } from './health-options';
import { HealthProbesController } from './health-probes.controller';

/** `/livez` and `/readyz` on an HTTP port (gateway and registry), with `@nestjs/terminus`. */
@Module({})
export class HealthModule {
  static register(options: HealthOptions): DynamicModule {
    return {
      module: HealthModule,
      imports: [TerminusModule.forRoot({ errorLogStyle: 'pretty' })],
      controllers: [HealthProbesController],
      providers: [{ provide: HEALTH_OPTIONS, useValue: options }],
    };
  }
}
