export * from './s3-driver';
