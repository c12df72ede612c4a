import { DeciderSpecification } from '@wharf/event-store/testing';
import { shareDecider, type ShareEvent } from './share.decider';

const now = '2026-11-23T10:00:00.000Z';
const metadata = { now };
const current = { id: 41, createdAt: '2026-11-01T00:00:00.000Z' };
const data = { repository: 'team/app', namespace: 'team', accessDomain: 'partner', accessAccountId: 'a-2', permit: 'read' as const, deadline: 'forever', description: '' };
const recorded = { ...data, repositoryId: 41 };
const shared: ShareEvent = { type: 'RepositoryShared', data: { ...recorded, creatorId: 'u-1', creatorName: 'admin', sharedAt: now } };
const share = { type: 'ShareRepository' as const, data: { ...data, current, creatorId: 'u-1', creatorName: 'admin' }, metadata };
const remove = { type: 'RemoveShare' as const, data: { repository: 'team/app', accessDomain: 'partner', accessAccountId: 'a-2', current }, metadata };
const spec = DeciderSpecification.for(shareDecider);

describe('share decider', () => {
  it('shares once, until a future deadline or forever', () => {
    spec.given([]).when(share).then([shared]);
    spec.given([shared]).when(share).thenThrows({ code: 'ACCESS.SHARE_EXISTS' });
    for (const deadline of ['2026-11-23T09:59:59Z', 'soon', '2026-12-01T00:00:00']) {
      spec.given([shared]).when({ type: 'UpdateShare', data: { ...data, current, deadline }, metadata }).thenThrows({ code: 'ACCESS.INVALID_DEADLINE' });
    }
    spec
      .given([shared])
      .when({ type: 'UpdateShare', data: { ...data, current, deadline: '2026-12-01T00:00:00Z' }, metadata })
      .then([{ type: 'ShareUpdated', data: { ...recorded, deadline: '2026-12-01T00:00:00Z', updatedAt: now } }]);
  });

  it('removes a share, and only one that exists', () => {
    spec.given([shared]).when(remove).then([{ type: 'ShareRemoved', data: { repository: 'team/app', accessDomain: 'partner', accessAccountId: 'a-2', removedAt: now } }]);
    spec.given([]).when(remove).thenThrows({ code: 'ACCESS.SHARE_NOT_FOUND' });
  });

  it('counts a share made on a repository since deleted as gone: the name held by another repository starts afresh', () => {
    const recreated = { id: 57, createdAt: '2026-11-24T00:00:00.000Z' };
    spec.given([shared]).when({ ...remove, data: { ...remove.data, current: recreated } }).thenThrows({ code: 'ACCESS.SHARE_NOT_FOUND' });
    spec
      .given([shared])
      .when({ ...share, data: { ...share.data, current: recreated } })
      .then([{ type: 'RepositoryShared', data: { ...data, repositoryId: 57, creatorId: 'u-1', creatorName: 'admin', sharedAt: now } }]);
  });

  it('judges a share recorded without a repository id by its time', () => {
    const legacy: ShareEvent = { type: 'RepositoryShared', data: { ...data, creatorId: 'u-1', creatorName: 'admin', sharedAt: '2026-11-02T00:00:00.000Z' } };
    spec.given([legacy]).when(share).thenThrows({ code: 'ACCESS.SHARE_EXISTS' });
    spec.given([legacy]).when({ ...remove, data: { ...remove.data, current: { id: 57, createdAt: '2026-11-24T00:00:00.000Z' } } }).thenThrows({ code: 'ACCESS.SHARE_NOT_FOUND' });
  });
});
