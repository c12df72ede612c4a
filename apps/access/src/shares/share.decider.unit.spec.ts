import { DeciderSpecification } from '@wharf/event-store/testing';
import { shareDecider, type ShareEvent } from './share.decider';

const now = '2026-11-23T10:00:00.000Z';
const metadata = { now };
const data = { repository: 'team/app', namespace: 'team', accessDomain: 'partner', accessAccountId: 'a-2', permit: 'read' as const, deadline: 'forever', description: '' };
const shared: ShareEvent = { type: 'RepositoryShared', data: { ...data, creatorId: 'u-1', creatorName: 'admin', sharedAt: now } };
const spec = DeciderSpecification.for(shareDecider);

describe('share decider', () => {
  it('shares once, until a future deadline or forever', () => {
    spec.given([]).when({ type: 'ShareRepository', data: { ...data, creatorId: 'u-1', creatorName: 'admin' }, metadata }).then([shared]);
    spec.given([shared]).when({ type: 'ShareRepository', data: { ...data, creatorId: 'u-1', creatorName: 'admin' }, metadata }).thenThrows({ code: 'ACCESS.SHARE_EXISTS' });
    for (const deadline of ['2026-11-23T09:59:59Z', 'soon', '2026-12-01T00:00:00']) {
      spec.given([shared]).when({ type: 'UpdateShare', data: { ...data, deadline }, metadata }).thenThrows({ code: 'ACCESS.INVALID_DEADLINE' });
    }
    spec
      .given([shared])
      .when({ type: 'UpdateShare', data: { ...data, deadline: '2026-12-01T00:00:00Z' }, metadata })
      .then([{ type: 'ShareUpdated', data: { ...data, deadline: '2026-12-01T00:00:00Z', updatedAt: now } }]);
  });

  it('removes a share, and only one that exists', () => {
    const remove = { type: 'RemoveShare' as const, data: { repository: 'team/app', accessDomain: 'partner', accessAccountId: 'a-2' }, metadata };
    spec.given([shared]).when(remove).then([{ type: 'ShareRemoved', data: { ...remove.data, removedAt: now } }]);
    spec.given([]).when(remove).thenThrows({ code: 'ACCESS.SHARE_NOT_FOUND' });
  });
});
