import type { Principal } from '@wharf/contracts/identity';
import { SyncStreams, type SyncItem, type SyncJobDetail, type SyncTask } from '@wharf/contracts/lifecycle';
import type { RecordedEvent } from '@wharf/event-store';
import type { Projection } from '@wharf/read-model';
import type { SyncJobEvent } from './sync-job.decider';
import type { SyncTaskEvent } from './sync-tasks.decider';

/** Sync's views, from its own streams: tasks, jobs with their per-item progress, and where each target holds content. Pure. */

export type TaskDocument = Omit<SyncTask, 'id'> & { id: string; taskId: number; createdBy: Principal; createdPosition: number; [field: string]: unknown };

export const tasksView: Projection<TaskDocument, SyncTaskEvent> = {
  name: 'sync_tasks',
  version: 1,
  streamPrefixes: [SyncStreams.tasks],
  indexes: [['repository', 'taskId']],
  documentIds: (event: RecordedEvent<SyncTaskEvent>) => [String(event.data.id)],
  evolve: (_doc, event, id) => {
    if (event.type !== 'SyncTaskCreated') return null;
    const { id: taskId, createdAt, ...task } = event.data;
    return { id, taskId, ...task, createdAt, updatedAt: createdAt, createdPosition: event.position };
  },
};

export const publicTask = ({ id: _id, taskId, createdBy: _createdBy, createdPosition: _position, ...task }: TaskDocument): SyncTask => ({ ...task, id: taskId });

export type JobDocument = Omit<SyncJobDetail, 'id'> & { id: string; number: number; deadline: string; [field: string]: unknown };

const withItem = (items: SyncItem[], digest: string, change: Partial<SyncItem>): SyncItem[] => items.map((item) => (item.digest === digest ? { ...item, ...change } : item));

export const jobsView: Projection<JobDocument, SyncJobEvent> = {
  name: 'sync_jobs',
  version: 1,
  streamPrefixes: [SyncStreams.job],
  indexes: [['repository', 'number'], ['status']],
  documentIds: (event: RecordedEvent<SyncJobEvent>) => [event.data.jobId],
  evolve: (doc, event, id) => {
    const at = event.metadata.now;
    if (event.type === 'SyncJobQueued') {
      const { queuedAt, ...job } = event.data;
      return { ...job, id, status: 'waiting', createdAt: queuedAt, updatedAt: queuedAt, attempts: 0, bytesSent: 0, items: [] };
    }
    if (!doc) return null;
    const updated = { ...doc, updatedAt: at ?? doc.updatedAt };
    switch (event.type) {
      case 'SyncAttemptStarted': {
        const { retryAt: _retryAt, ...rest } = updated;
        return { ...rest, status: 'running', attempts: event.data.attempt };
      }
      case 'SyncItemsPlanned':
        return { ...updated, items: event.data.items.map((item) => ({ ...item, state: 'pending', bytesSent: 0 })) };
      case 'SyncBytesSent':
        return { ...updated, items: withItem(doc.items, event.data.digest, { bytesSent: event.data.bytesSent }) };
      case 'SyncItemCopied': {
        const { digest, state, bytesSent, attempt } = event.data;
        return { ...updated, bytesSent: doc.bytesSent + bytesSent, items: withItem(doc.items, digest, { state, bytesSent, attempt }) };
      }
      case 'SyncAttemptFailed':
        return { ...updated, status: 'waiting', error: event.data.error, retryAt: event.data.retryAt };
      case 'SyncJobEnded': {
        const { retryAt: _retryAt, error: _error, ...rest } = updated;
        return { ...rest, status: event.data.status, updatedAt: event.data.endedAt, ...(event.data.error ? { error: event.data.error } : {}) };
      }
      default:
        return updated;
    }
  },
};

export const publicJob = ({ id: _id, number, deadline: _deadline, ...job }: JobDocument): SyncJobDetail => ({ ...job, id: number });

/** A repository of a target region that holds a digest: where a later job may mount it from. */
export interface HoldingDocument {
  id: string;
  remoteRegionId: string;
  digest: string;
  repository: string;
  [field: string]: unknown;
}

export const holdingsView: Projection<HoldingDocument, SyncJobEvent> = {
  name: 'sync_holdings',
  version: 1,
  streamPrefixes: [SyncStreams.job],
  documentIds: (event: RecordedEvent<SyncJobEvent>) => (event.type === 'SyncItemCopied' ? [`${event.data.remoteRegionId}|${event.data.digest}`] : []),
  evolve: (doc, event, id) => {
    if (event.type !== 'SyncItemCopied') return doc;
    const { remoteRegionId, digest, targetRepository } = event.data;
    return { id, remoteRegionId, digest, repository: targetRepository };
  },
};

export const syncViews = [tasksView, jobsView, holdingsView];
