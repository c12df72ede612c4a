import { dirname } from 'node:path';
import { ContentLayout, getFilesystemBlobDriver, type BlobDriver } from '@wharf/blob-store';
import type { EventStore } from '@wharf/event-store';
import { Logger } from '@nestjs/common';
import { getSqliteEventStore, walCheckpointer, type WalCheckpoints } from '@wharf/event-store-sqlite';
import type { DocumentStore } from '@wharf/read-model';
import { getSqliteDocumentStore } from '@wharf/read-model-sqlite';
import { instrumentBlobDriver, instrumentEventStore } from '@wharf/observability';
import type { WharfConfig } from './config';
import { ensurePrivateDirectory, ensurePrivateFile } from './private-files';

/*
 * The drivers of the distributed mode and of S3 are loaded when the configuration names them, not before: the
 * embedded default then never loads gRPC, the KurrentDB and MongoDB clients or the AWS SDK (their code alone held
 * megabytes of an idle server's memory).
 */
/* eslint-disable @typescript-eslint/no-require-imports, no-restricted-syntax -- loaded when configured, see above */
const kurrentDb = (): typeof import('@wharf/event-store-kurrentdb') => require('@wharf/event-store-kurrentdb');
const mongoDb = (): typeof import('@wharf/read-model-mongodb') => require('@wharf/read-model-mongodb');
const s3 = (): typeof import('@wharf/blob-store-s3') => require('@wharf/blob-store-s3');
/* eslint-enable @typescript-eslint/no-require-imports, no-restricted-syntax */

/** The SQLite file, owner-only in an owner-only directory before SQLite opens it. */
const privateSqliteFile = (path: string): string => {
  ensurePrivateDirectory(dirname(path));
  ensurePrivateFile(path);
  return path;
};

/** One checkpointer per SQLite file of this process, shared by the event store and the read models kept in it. */
const checkpointers = new Map<string, WalCheckpoints>();
const walCheckpointsOf = (path: string): WalCheckpoints => {
  let checkpoints = checkpointers.get(path);
  if (!checkpoints) {
    const logger = new Logger('WalCheckpointer');
    checkpoints = walCheckpointer(path, { onError: (error) => logger.error(`Checkpoint of ${path} failed; the next write tries again: ${String(error)}`) });
    checkpointers.set(path, checkpoints);
  }
  return checkpoints;
};

/** The event store the configuration names, its appends measured. */
export const openEventStore = (config: WharfConfig): EventStore => {
  if (config.eventStore.kind === 'kurrentdb') return instrumentEventStore(kurrentDb().getKurrentDbEventStore({ connectionString: config.eventStore.url }));
  const path = privateSqliteFile(config.eventStore.path);
  return instrumentEventStore(getSqliteEventStore({ path, walCheckpoints: walCheckpointsOf(path) }));
};

/** A service's own read-model store: its own tables in SQLite, its own database in MongoDB. */
export const openDocumentStore = (config: WharfConfig, service: string): DocumentStore => {
  if (config.readModel.kind === 'mongodb') return mongoDb().getMongoDocumentStore({ url: config.readModel.url, database: `wharf_${service}` });
  const path = privateSqliteFile(config.readModel.path);
  return getSqliteDocumentStore({ path, namespace: service, walCheckpoints: walCheckpointsOf(path) });
};

/** The blob store the configuration names, each call timed; the registry serves its bytes and lifecycle's collection deletes them. */
export const openBlobDriver = (config: WharfConfig): BlobDriver => {
  const store = config.blobStore;
  if (store.kind === 's3') {
    return instrumentBlobDriver(s3().getS3BlobDriver({ bucket: store.bucket, region: store.region, prefix: store.prefix, redirects: store.redirects, ...(store.endpoint ? { endpoint: store.endpoint } : {}) }));
  }
  return instrumentBlobDriver(getFilesystemBlobDriver({ root: ContentLayout.root(config.dataDir) }));
};
