export * from './servers';
export * from './nats-server';
export * from './ports';
