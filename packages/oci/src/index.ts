export * from './digest';
export * from './names';
export * from './media-types';
export * from './errors';
export * from './manifest';
