export * from './blob-driver';
export * from './filesystem-driver';
export * from './content-layout';
export * from './readiness';
