export * from './catalog';
export * from './cloud-event';
export * from './upcasting';
export * from './json-schemas';
export * from './feed';
