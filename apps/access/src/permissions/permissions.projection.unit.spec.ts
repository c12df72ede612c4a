import type { RecordedEvent } from '@wharf/event-store';
import type { PermissionEvent } from './permission.decider';
import { grantOnCurrent, permissionsProjection } from './permissions.projection';

const recorded = (event: PermissionEvent, position: number): RecordedEvent<PermissionEvent> =>
  ({ ...event, id: `e${position}`, streamName: `access.permissions-${event.data.kind}:${event.data.name}`, revision: 0, position, metadata: {} }) as RecordedEvent<PermissionEvent>;

const onOrg = { kind: 'namespace' as const, name: 'team', namespace: 'team' };
const dev = { userId: 'u-dev', userName: 'dev', auth: 3 as const };
const id = 'namespace:team:u-dev';

describe('permissions projection', () => {
  it('replays a grant recorded without a target id and keeps its time through later updates', () => {
    const legacy = recorded({ type: 'PermissionsGranted', data: { ...onOrg, grants: [dev], grantedAt: '2026-11-02T00:00:00.000Z' } }, 1);
    const doc = permissionsProjection.evolve(null, legacy, id)!;
    expect(doc).toEqual({ id, ...onOrg, userId: 'u-dev', userName: 'dev', auth: 3, grantedAt: '2026-11-02T00:00:00.000Z' });
    const updated = permissionsProjection.evolve(doc, recorded({ type: 'PermissionsUpdated', data: { ...onOrg, targetId: 4, grants: [{ ...dev, auth: 7 }], updatedAt: '2026-11-20T00:00:00.000Z' } }, 2), id)!;
    expect(updated).toMatchObject({ auth: 7, targetId: 4, grantedAt: '2026-11-02T00:00:00.000Z' });
  });

  it('tells a grant on the organization holding the name now from one on an earlier organization of that name', () => {
    const doc = permissionsProjection.evolve(null, recorded({ type: 'PermissionsGranted', data: { ...onOrg, targetId: 4, grants: [dev], grantedAt: '2026-11-02T00:00:00.000Z' } }, 1), id)!;
    expect(grantOnCurrent(doc, { id: 4, createdAt: '2026-11-01T00:00:00.000Z' })).toBe(true);
    expect(grantOnCurrent(doc, { id: 9, createdAt: '2026-11-25T00:00:00.000Z' })).toBe(false);
    expect(grantOnCurrent(doc, null)).toBe(false);
  });
});
