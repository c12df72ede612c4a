export * from './registry.module';
export * from './registry.app';
