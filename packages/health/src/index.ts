export * from './health-options';
export * from './health.module';
export * from './health-probes.controller';
