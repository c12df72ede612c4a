import { DeciderSpecification } from '@wharf/event-store/testing';
import { permissionDecider, type PermissionEvent } from './permission.decider';

const now = '2026-11-23T10:00:00.000Z';
const metadata = { now };
const onOrg = { kind: 'namespace' as const, name: 'team', namespace: 'team' };
const onRepo = { kind: 'repository' as const, name: 'team/app', namespace: 'team' };
const dev = { userId: 'u-dev', userName: 'dev', auth: 3 as const };
const granted = (target: typeof onOrg | typeof onRepo = onOrg): PermissionEvent => ({ type: 'PermissionsGranted', data: { ...target, grants: [dev], grantedAt: now } });
const spec = DeciderSpecification.for(permissionDecider);

describe('permission decider', () => {
  it('grants, updates and revokes', () => {
    spec.given([]).when({ type: 'GrantPermissions', data: { ...onOrg, grants: [dev] }, metadata }).then([granted()]);
    spec
      .given([granted()])
      .when({ type: 'UpdatePermissions', data: { ...onOrg, grants: [{ ...dev, auth: 7 }] }, metadata })
      .then([{ type: 'PermissionsUpdated', data: { ...onOrg, grants: [{ ...dev, auth: 7 }], updatedAt: now } }]);
    spec
      .given([granted()])
      .when({ type: 'RevokePermissions', data: { ...onOrg, userIds: ['u-dev'] }, metadata })
      .then([{ type: 'PermissionsRevoked', data: { ...onOrg, userIds: ['u-dev'], revokedAt: now } }]);
  });

  it('refuses a second grant and changes to missing grants, with organization or repository codes', () => {
    spec.given([granted()]).when({ type: 'GrantPermissions', data: { ...onOrg, grants: [dev] }, metadata }).thenThrows({ code: 'ACCESS.NAMESPACE_PERMISSION_EXISTS' });
    spec.given([granted(onRepo)]).when({ type: 'GrantPermissions', data: { ...onRepo, grants: [dev] }, metadata }).thenThrows({ code: 'ACCESS.PERMISSION_EXISTS' });
    spec.given([]).when({ type: 'UpdatePermissions', data: { ...onOrg, grants: [dev] }, metadata }).thenThrows({ code: 'ACCESS.NAMESPACE_PERMISSION_NOT_FOUND' });
    const revoked: PermissionEvent = { type: 'PermissionsRevoked', data: { ...onRepo, userIds: ['u-dev'], revokedAt: now } };
    spec.given([granted(onRepo), revoked]).when({ type: 'RevokePermissions', data: { ...onRepo, userIds: ['u-dev'] }, metadata }).thenThrows({ code: 'ACCESS.PERMISSION_NOT_FOUND' });
  });
});
