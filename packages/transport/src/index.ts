export * from './in-process';
export * from './nats';
export * from './rpc-error.filter';
export * from './schema.pipe';
export * from './service-client';
