export * from './gateway.module';
export * from './gateway.app';
