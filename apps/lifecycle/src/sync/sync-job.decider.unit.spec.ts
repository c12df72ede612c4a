import { DeciderSpecification } from '@wharf/event-store/testing';
import { syncJobDecider, type QueuedJob, type SyncJobEvent } from './sync-job.decider';

const now = '2026-06-01T00:00:00.000Z';
const metadata = { now };
const jobId = '00000000-0000-4000-8000-000000000001';
const job: Omit<QueuedJob, 'queuedAt' | 'deadline'> = {
  jobId,
  number: 5,
  accountId: 'acc',
  accountName: 'acme',
  repository: 'team/app',
  namespace: 'team',
  repoName: 'app',
  tag: 'v1',
  digest: 'sha256:aa',
  remoteRegionId: 'dr',
  remoteNamespace: 'mirror',
  override: false,
  trigger: 'auto',
  operatorId: 'u1',
  operatorName: 'dev',
};
const queued: SyncJobEvent = { type: 'SyncJobQueued', data: { ...job, queuedAt: now, deadline: '2026-06-01T01:00:00.000Z' } };
const started = (attempt: number): SyncJobEvent => ({ type: 'SyncAttemptStarted', data: { jobId, attempt, startedAt: now } });
const spec = DeciderSpecification.for(syncJobDecider);

describe('sync job decider', () => {
  it('queues a job once, with its deadline', () => {
    spec.given([]).when({ type: 'QueueSyncJob', data: { ...job, timeoutSeconds: 3600 }, metadata }).then([queued]);
    spec.given([queued]).when({ type: 'QueueSyncJob', data: { ...job, timeoutSeconds: 3600 }, metadata }).then([]);
  });

  it('numbers attempts and records each copy with the attempt that made it and the target repository', () => {
    spec.given([queued]).when({ type: 'StartSyncAttempt', data: { jobId }, metadata }).then([started(1)]);
    spec.given([queued, started(1), started(2)]).when({ type: 'StartSyncAttempt', data: { jobId }, metadata }).then([started(3)]);
    spec
      .given([queued, started(1), started(2)])
      .when({ type: 'RecordSyncItem', data: { jobId, digest: 'sha256:bb', state: 'uploaded', bytesSent: 10 }, metadata })
      .then([{ type: 'SyncItemCopied', data: { jobId, digest: 'sha256:bb', state: 'uploaded', bytesSent: 10, attempt: 2, remoteRegionId: 'dr', targetRepository: 'mirror/app' } }]);
  });

  it('plans once and fails an attempt with the time of the next', () => {
    const planned: SyncJobEvent = { type: 'SyncItemsPlanned', data: { jobId, items: [{ digest: 'sha256:bb', kind: 'blob', size: 10 }] } };
    spec.given([queued, started(1)]).when({ type: 'PlanSyncItems', data: { jobId, items: [{ digest: 'sha256:bb', kind: 'blob', size: 10 }] }, metadata }).then([planned]);
    spec.given([queued, started(1), planned]).when({ type: 'PlanSyncItems', data: { jobId, items: [] }, metadata }).then([]);
    spec
      .given([queued, started(1)])
      .when({ type: 'FailSyncAttempt', data: { jobId, error: 'down', retryAt: 't' }, metadata })
      .then([{ type: 'SyncAttemptFailed', data: { jobId, attempt: 1, error: 'down', retryAt: 't' } }]);
  });

  it('ends once, with what the public event needs, and takes nothing after', () => {
    const ended: SyncJobEvent = {
      type: 'SyncJobEnded',
      data: { jobId, number: 5, repository: 'team/app', tag: 'v1', digest: 'sha256:aa', remoteRegionId: 'dr', remoteNamespace: 'mirror', status: 'existed', endedAt: now },
    };
    spec.given([queued, started(1)]).when({ type: 'EndSyncJob', data: { jobId, status: 'existed' }, metadata }).then([ended]);
    spec.given([queued, ended]).when({ type: 'StartSyncAttempt', data: { jobId }, metadata }).thenThrows({ code: 'PLATFORM.CONCURRENCY_CONFLICT' });
    spec.given([]).when({ type: 'StartSyncAttempt', data: { jobId }, metadata }).thenThrows({ code: 'LIFECYCLE.SYNC_JOB_NOT_FOUND' });
  });
});
