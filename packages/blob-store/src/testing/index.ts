export * from './blob-driver.contract';
