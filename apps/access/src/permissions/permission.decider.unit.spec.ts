import { DeciderSpecification } from '@wharf/event-store/testing';
import { permissionDecider, type PermissionEvent } from './permission.decider';

const now = '2026-11-23T10:00:00.000Z';
const metadata = { now };
const current = { id: 5, createdAt: '2026-11-01T00:00:00.000Z' };
const onOrg = { kind: 'namespace' as const, name: 'team', namespace: 'team' };
const onRepo = { kind: 'repository' as const, name: 'team/app', namespace: 'team' };
const dev = { userId: 'u-dev', userName: 'dev', auth: 3 as const };
const granted = (target: typeof onOrg | typeof onRepo = onOrg): PermissionEvent => ({ type: 'PermissionsGranted', data: { ...target, targetId: 5, grants: [dev], grantedAt: now } });
const spec = DeciderSpecification.for(permissionDecider);

describe('permission decider', () => {
  it('grants, updates and revokes', () => {
    spec.given([]).when({ type: 'GrantPermissions', data: { ...onOrg, current, grants: [dev] }, metadata }).then([granted()]);
    spec
      .given([granted()])
      .when({ type: 'UpdatePermissions', data: { ...onOrg, current, grants: [{ ...dev, auth: 7 }] }, metadata })
      .then([{ type: 'PermissionsUpdated', data: { ...onOrg, targetId: 5, grants: [{ ...dev, auth: 7 }], updatedAt: now } }]);
    spec
      .given([granted()])
      .when({ type: 'RevokePermissions', data: { ...onOrg, current, userIds: ['u-dev'] }, metadata })
      .then([{ type: 'PermissionsRevoked', data: { ...onOrg, targetId: 5, userIds: ['u-dev'], revokedAt: now } }]);
  });

  it('refuses a second grant and changes to missing grants, with organization or repository codes', () => {
    spec.given([granted()]).when({ type: 'GrantPermissions', data: { ...onOrg, current, grants: [dev] }, metadata }).thenThrows({ code: 'ACCESS.NAMESPACE_PERMISSION_EXISTS' });
    spec.given([granted(onRepo)]).when({ type: 'GrantPermissions', data: { ...onRepo, current, grants: [dev] }, metadata }).thenThrows({ code: 'ACCESS.PERMISSION_EXISTS' });
    spec.given([]).when({ type: 'UpdatePermissions', data: { ...onOrg, current, grants: [dev] }, metadata }).thenThrows({ code: 'ACCESS.NAMESPACE_PERMISSION_NOT_FOUND' });
    const revoked: PermissionEvent = { type: 'PermissionsRevoked', data: { ...onRepo, userIds: ['u-dev'], revokedAt: now } };
    spec.given([granted(onRepo), revoked]).when({ type: 'RevokePermissions', data: { ...onRepo, current, userIds: ['u-dev'] }, metadata }).thenThrows({ code: 'ACCESS.PERMISSION_NOT_FOUND' });
  });

  it('counts grants made on an organization since deleted as gone when another holds the name', () => {
    const recreated = { id: 9, createdAt: '2026-11-24T00:00:00.000Z' };
    spec.given([granted()]).when({ type: 'UpdatePermissions', data: { ...onOrg, current: recreated, grants: [dev] }, metadata }).thenThrows({ code: 'ACCESS.NAMESPACE_PERMISSION_NOT_FOUND' });
    spec.given([granted()]).when({ type: 'RevokePermissions', data: { ...onOrg, current: recreated, userIds: ['u-dev'] }, metadata }).thenThrows({ code: 'ACCESS.NAMESPACE_PERMISSION_NOT_FOUND' });
    spec
      .given([granted()])
      .when({ type: 'GrantPermissions', data: { ...onOrg, current: recreated, grants: [dev] }, metadata })
      .then([{ type: 'PermissionsGranted', data: { ...onOrg, targetId: 9, grants: [dev], grantedAt: now } }]);
  });

  it('judges grants recorded without a target id by their time', () => {
    const legacy: PermissionEvent = { type: 'PermissionsGranted', data: { ...onOrg, grants: [dev], grantedAt: '2026-11-02T00:00:00.000Z' } };
    spec.given([legacy]).when({ type: 'GrantPermissions', data: { ...onOrg, current, grants: [dev] }, metadata }).thenThrows({ code: 'ACCESS.NAMESPACE_PERMISSION_EXISTS' });
    spec.given([legacy]).when({ type: 'GrantPermissions', data: { ...onOrg, current: { id: 9, createdAt: now }, grants: [dev] }, metadata }).then([
      { type: 'PermissionsGranted', data: { ...onOrg, targetId: 9, grants: [dev], grantedAt: now } },
    ]);
  });
});
