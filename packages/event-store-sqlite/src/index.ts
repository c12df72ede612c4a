export * from './sqlite-event-store';
export * from './wal-checkpointer';
