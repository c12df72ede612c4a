export * from './blob-driver';
export * from './filesystem-driver';
