import { DomainError } from '@wharf/contracts';
import type { SyncItem } from '@wharf/contracts/lifecycle';
import type { Command, Decider, Event } from '@wharf/event-store';

/**
 * One sync job, one stream (`lifecycle.syncjob-<jobId>`): copying one tag, as it named one manifest when the job
 * was queued, to one target. Attempts start, copy content item by item (each recorded as it is done, so a job
 * resumed after a restart never sends a finished blob again), and fail with a time for the next attempt, until
 * the job ends: success, failed (a refusal another attempt would meet again), timeout (past its deadline),
 * cancel (a newer push of the tag to the same target superseded it) or existed (`override` off and the target's
 * tag names another image).
 */

export type EndStatus = 'success' | 'failed' | 'timeout' | 'cancel' | 'existed';

export interface QueuedJob {
  jobId: string;
  number: number;
  accountId: string;
  accountName: string;
  repository: string;
  namespace: string;
  repoName: string;
  tag: string;
  digest: string;
  remoteRegionId: string;
  remoteNamespace: string;
  override: boolean;
  trigger: 'auto' | 'manual';
  operatorId: string;
  operatorName: string;
  queuedAt: string;
  /** Past this instant the job ends as `timeout`. */
  deadline: string;
}

interface JobOf {
  jobId: string;
}
type PlannedItem = Pick<SyncItem, 'digest' | 'kind' | 'size'>;
export type SyncJobQueued = Event<'SyncJobQueued', QueuedJob>;
export type SyncAttemptStarted = Event<'SyncAttemptStarted', JobOf & { attempt: number; startedAt: string }>;
export type SyncItemsPlanned = Event<'SyncItemsPlanned', JobOf & { items: PlannedItem[] }>;
/**
 * The target has the item now, by `attempt`; `targetRepository` (`<remoteNamespace>/<repoName>`) holds it, a
 * source for later mounts. Every copy is recorded, so one sent twice would show.
 */
export type SyncItemCopied = Event<
  'SyncItemCopied',
  JobOf & { digest: string; state: 'present' | 'mounted' | 'uploaded' | 'pushed'; bytesSent: number; attempt: number; remoteRegionId: string; targetRepository: string }
>;
/** A chunk of a blob reached the target: `bytesSent` of it so far. */
export type SyncBytesSent = Event<'SyncBytesSent', JobOf & { digest: string; bytesSent: number }>;
export type SyncAttemptFailed = Event<'SyncAttemptFailed', JobOf & { attempt: number; error: string; retryAt: string }>;
export type SyncJobEnded = Event<
  'SyncJobEnded',
  JobOf & Pick<QueuedJob, 'number' | 'repository' | 'tag' | 'digest' | 'remoteRegionId' | 'remoteNamespace'> & { status: EndStatus; error?: string; endedAt: string }
>;
export type SyncJobEvent = SyncJobQueued | SyncAttemptStarted | SyncItemsPlanned | SyncItemCopied | SyncBytesSent | SyncAttemptFailed | SyncJobEnded;

export type QueueSyncJob = Command<'QueueSyncJob', Omit<QueuedJob, 'queuedAt' | 'deadline'> & { timeoutSeconds: number }>;
export type StartSyncAttempt = Command<'StartSyncAttempt', JobOf>;
export type PlanSyncItems = Command<'PlanSyncItems', JobOf & { items: PlannedItem[] }>;
export type RecordSyncItem = Command<'RecordSyncItem', JobOf & Pick<SyncItemCopied['data'], 'digest' | 'state' | 'bytesSent'>>;
export type RecordBytesSent = Command<'RecordBytesSent', JobOf & { digest: string; bytesSent: number }>;
export type FailSyncAttempt = Command<'FailSyncAttempt', JobOf & { error: string; retryAt: string }>;
export type EndSyncJob = Command<'EndSyncJob', JobOf & { status: EndStatus; error?: string }>;
export type SyncJobCommand = QueueSyncJob | StartSyncAttempt | PlanSyncItems | RecordSyncItem | RecordBytesSent | FailSyncAttempt | EndSyncJob;

export interface SyncJobState {
  job: QueuedJob | null;
  ended: boolean;
  attempts: number;
  planned: boolean;
}

export const initialState = (): SyncJobState => ({ job: null, ended: false, attempts: 0, planned: false });

export const evolve = (state: SyncJobState, event: SyncJobEvent): SyncJobState => {
  switch (event.type) {
    case 'SyncJobQueued':
      return { ...state, job: event.data };
    case 'SyncAttemptStarted':
      return { ...state, attempts: event.data.attempt };
    case 'SyncItemsPlanned':
      return { ...state, planned: true };
    case 'SyncJobEnded':
      return { ...state, ended: true };
    default:
      return state;
  }
};

const requireOpen = (state: SyncJobState, jobId: string): QueuedJob => {
  if (!state.job) throw new DomainError('LIFECYCLE.SYNC_JOB_NOT_FOUND', { jobId });
  if (state.ended) throw new DomainError('PLATFORM.CONCURRENCY_CONFLICT', { jobId }, 'The sync job has ended');
  return state.job;
};

export const decide = (command: SyncJobCommand, state: SyncJobState): SyncJobEvent[] => {
  const now = command.metadata.now;
  switch (command.type) {
    case 'QueueSyncJob': {
      if (state.job) return [];
      const { timeoutSeconds, ...job } = command.data;
      return [{ type: 'SyncJobQueued', data: { ...job, queuedAt: now, deadline: new Date(Date.parse(now) + timeoutSeconds * 1000).toISOString() } }];
    }
    case 'StartSyncAttempt': {
      const { jobId } = command.data;
      requireOpen(state, jobId);
      return [{ type: 'SyncAttemptStarted', data: { jobId, attempt: state.attempts + 1, startedAt: now } }];
    }
    case 'PlanSyncItems': {
      const { jobId, items } = command.data;
      requireOpen(state, jobId);
      return state.planned ? [] : [{ type: 'SyncItemsPlanned', data: { jobId, items } }];
    }
    case 'RecordSyncItem': {
      const { jobId, digest, state: itemState, bytesSent } = command.data;
      const { remoteRegionId, remoteNamespace, repoName } = requireOpen(state, jobId);
      const targetRepository = `${remoteNamespace}/${repoName}`;
      return [{ type: 'SyncItemCopied', data: { jobId, digest, state: itemState, bytesSent, attempt: state.attempts, remoteRegionId, targetRepository } }];
    }
    case 'RecordBytesSent': {
      const { jobId, digest, bytesSent } = command.data;
      requireOpen(state, jobId);
      return [{ type: 'SyncBytesSent', data: { jobId, digest, bytesSent } }];
    }
    case 'FailSyncAttempt': {
      const { jobId, error, retryAt } = command.data;
      requireOpen(state, jobId);
      return [{ type: 'SyncAttemptFailed', data: { jobId, attempt: state.attempts, error, retryAt } }];
    }
    case 'EndSyncJob': {
      const { jobId, status, error } = command.data;
      const { number, repository, tag, digest, remoteRegionId, remoteNamespace } = requireOpen(state, jobId);
      return [{ type: 'SyncJobEnded', data: { jobId, number, repository, tag, digest, remoteRegionId, remoteNamespace, status, ...(error ? { error } : {}), endedAt: now } }];
    }
    default: {
      const unknown: never = command;
      throw new Error(`Unknown command ${JSON.stringify(unknown)}`);
    }
  }
};

export const syncJobDecider: Decider<SyncJobState, SyncJobCommand, SyncJobEvent> = { decide, evolve, initialState };
