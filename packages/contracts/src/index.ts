export * from './errors';
export * from './rpc';
