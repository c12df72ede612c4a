export * from './document-store';
export * from './projection';
export * from './projection-runner';
