export * from './document-store';
export * from './projection';
export * from './projection-runner';
export * from './in-memory-document-store';
