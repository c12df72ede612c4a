export * from './types';
export * from './event-store';
export * from './command-handling';
export * from './polling-subscription';
export * from './in-memory-event-store';
export * from './command-refusal';
export * from './stream-command-queue';
