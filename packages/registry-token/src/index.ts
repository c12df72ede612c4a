export * from './registry-token';
