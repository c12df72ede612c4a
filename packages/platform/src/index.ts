export * from './config';
export * from './stores';
export * from './tokens';
export * from './projection-host';
export * from './command-runner';
export * from './platform.module';
export * from './launch';
export * from './readiness';
