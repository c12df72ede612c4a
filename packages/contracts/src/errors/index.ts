export * from './domain-error';
export * from './registry';
