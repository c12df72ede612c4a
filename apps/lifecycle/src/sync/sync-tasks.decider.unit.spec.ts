import type { Principal } from '@wharf/contracts/identity';
import { DeciderSpecification } from '@wharf/event-store/testing';
import { syncTasksDecider, type SyncTaskEvent } from './sync-tasks.decider';

const now = '2026-06-01T00:00:00.000Z';
const metadata = { now };
const actor: Principal = { accountId: 'acc', accountName: 'acme', userId: 'u1', userName: 'dev', accountAdmin: false, systemAdmin: false };
const target = { remoteRegionId: 'dr', remoteNamespace: 'mirror' };
const create = (auth: 1 | 3 | 7 | null, extra: Partial<{ regions: string[]; accountId: string }> = {}) => ({
  type: 'CreateSyncTask' as const,
  data: { id: 2, actor, auth, accountId: 'acc', repository: 'team/app', namespace: 'team', repoName: 'app', ...target, syncAuto: true, override: false, regions: ['dr'], ...extra },
  metadata,
});
const created: SyncTaskEvent = {
  type: 'SyncTaskCreated',
  data: { id: 2, repository: 'team/app', namespace: 'team', repoName: 'app', accountId: 'acc', accountName: 'acme', ...target, syncAuto: true, override: false, createdBy: actor, createdAt: now },
};
const spec = DeciderSpecification.for(syncTasksDecider);

describe('sync tasks decider', () => {
  it('creates one task per target region and namespace, for managers (7), to configured regions only', () => {
    spec.given([]).when(create(7)).then([created]);
    spec.given([created]).when(create(7)).thenThrows({ code: 'LIFECYCLE.SYNC_TASK_EXISTS' });
    spec.given([]).when(create(3)).thenThrows({ code: 'CATALOG.NAMESPACE_FORBIDDEN' });
    spec.given([]).when(create(7, { regions: ['other'] })).thenThrows({ code: 'LIFECYCLE.SYNC_REGION_UNKNOWN' });
    spec.given([]).when(create(7, { accountId: 'someone-else' })).thenThrows({ code: 'CATALOG.REPOSITORY_NOT_FOUND' });
  });

  it('deletes a task by its target; an unknown one is 404', () => {
    const remove = { type: 'DeleteSyncTask' as const, data: { actor, auth: 7 as const, accountId: 'acc', repository: 'team/app', ...target }, metadata };
    spec.given([created]).when(remove).then([{ type: 'SyncTaskDeleted', data: { id: 2, repository: 'team/app', ...target, deletedAt: now } }]);
    spec.given([]).when(remove).thenThrows({ code: 'LIFECYCLE.SYNC_TASK_NOT_FOUND' });
  });

  it('drops every task of a deleted repository', () => {
    spec
      .given([created])
      .when({ type: 'DropSyncTasks', data: { repository: 'team/app' }, metadata })
      .then([{ type: 'SyncTaskDeleted', data: { id: 2, repository: 'team/app', ...target, deletedAt: now } }]);
    spec.given([]).when({ type: 'DropSyncTasks', data: { repository: 'team/app' }, metadata }).then([]);
  });
});
