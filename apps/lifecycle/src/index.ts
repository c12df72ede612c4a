export * from './lifecycle.module';
