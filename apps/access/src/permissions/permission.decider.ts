import { DomainError } from '@wharf/contracts';
import type { UserAuth } from '@wharf/contracts/access';
import type { Command, Decider, Event } from '@wharf/event-store';

interface Target {
  kind: 'namespace' | 'repository';
  /** Organization name, or the repository's full name. */
  name: string;
  namespace: string;
}

export type PermissionsGranted = Event<'PermissionsGranted', Target & { grants: UserAuth[]; grantedAt: string }>;
export type PermissionsUpdated = Event<'PermissionsUpdated', Target & { grants: UserAuth[]; updatedAt: string }>;
export type PermissionsRevoked = Event<'PermissionsRevoked', Target & { userIds: string[]; revokedAt: string }>;
export type PermissionEvent = PermissionsGranted | PermissionsUpdated | PermissionsRevoked;

export type GrantPermissions = Command<'GrantPermissions', Target & { grants: UserAuth[] }>;
export type UpdatePermissions = Command<'UpdatePermissions', Target & { grants: UserAuth[] }>;
export type RevokePermissions = Command<'RevokePermissions', Target & { userIds: string[] }>;
export type PermissionCommand = GrantPermissions | UpdatePermissions | RevokePermissions;

/** userId → level, for one organization or repository. */
export type PermissionState = Map<string, number>;

const target = ({ kind, name, namespace }: Target): Target => ({ kind, name, namespace });

/**
 * Per-user permission levels on one organization or repository (SWR's "organization permissions" and
 * "image permissions"). Granting twice is 409, updating or revoking what is not granted is 404, as in SWR.
 */
export const permissionDecider: Decider<PermissionState, PermissionCommand, PermissionEvent> = {
  initialState: () => new Map(),
  evolve: (state, event) => {
    const next = new Map(state);
    switch (event.type) {
      case 'PermissionsGranted':
      case 'PermissionsUpdated':
        for (const grant of event.data.grants) next.set(grant.userId, grant.auth);
        return next;
      case 'PermissionsRevoked':
        for (const userId of event.data.userIds) next.delete(userId);
        return next;
    }
  },
  decide: (command, state) => {
    const now = command.metadata.now;
    const onNamespace = command.data.kind === 'namespace';
    const EXISTS = onNamespace ? 'ACCESS.NAMESPACE_PERMISSION_EXISTS' : 'ACCESS.PERMISSION_EXISTS';
    const NOT_FOUND = onNamespace ? 'ACCESS.NAMESPACE_PERMISSION_NOT_FOUND' : 'ACCESS.PERMISSION_NOT_FOUND';
    switch (command.type) {
      case 'GrantPermissions': {
        const existing = command.data.grants.find((grant) => state.has(grant.userId));
        if (existing) throw new DomainError(EXISTS, { userId: existing.userId });
        return [{ type: 'PermissionsGranted', data: { ...target(command.data), grants: command.data.grants, grantedAt: now } }];
      }
      case 'UpdatePermissions': {
        const missing = command.data.grants.find((grant) => !state.has(grant.userId));
        if (missing) throw new DomainError(NOT_FOUND, { userId: missing.userId });
        return [{ type: 'PermissionsUpdated', data: { ...target(command.data), grants: command.data.grants, updatedAt: now } }];
      }
      case 'RevokePermissions': {
        const missing = command.data.userIds.find((userId) => !state.has(userId));
        if (missing) throw new DomainError(NOT_FOUND, { userId: missing });
        return [{ type: 'PermissionsRevoked', data: { ...target(command.data), userIds: command.data.userIds, revokedAt: now } }];
      }
    }
  },
};
